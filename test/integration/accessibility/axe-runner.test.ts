import { describe, expect, it } from 'vitest';
import { chromiumForSuite, chromiumPresent } from '../../support/chromium';
import { captureScreen } from '../../support/e2e-screens';

// The browser tests' accessibility check (axe-core injected once per document, run at full width
// and at 320 px with forced colours) must see what a screen gets wrong, on every document it meets.

const haveChromium = chromiumPresent('axe');

const FLAWED = `<!doctype html><html lang="en"><head><title>Flawed</title></head><body><main>
  <h1>A screen with faults</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button>
  <div style="width: 900px">too wide for 320 px</div></main></body></html>`;
const SOUND = `<!doctype html><html lang="en"><head><title>Sound</title></head><body><main>
  <h1>A sound screen</h1><p>Nothing wrong here.</p><button>Start</button></main></body></html>`;

describe.skipIf(!haveChromium)('the accessibility check of the browser tests', () => {
  const browser = chromiumForSuite();

  it('when a screen has faults, then each is named at both widths, and a sound screen after it (a new document) has none', async () => {
    const page = await browser().newPage({ viewport: { width: 1024, height: 768 } });
    await page.setContent(FLAWED);
    const flawed = await captureScreen(page, 'axe-runner-flawed');
    for (const where of ['as shown', 'at 320 px with forced colours']) {
      expect(flawed.violations.some((v) => v.startsWith(`${where}: violation image-alt`))).toBe(
        true,
      );
      expect(flawed.violations.some((v) => v.startsWith(`${where}: violation button-name`))).toBe(
        true,
      );
    }
    expect(flawed.violations).toContainEqual(
      expect.stringMatching(/^at 320 px: the page scrolls sideways by \d+ px \(reflow\)$/),
    );
    // The viewport and colours are put back for the test's next step.
    expect(page.viewportSize()).toEqual({ width: 1024, height: 768 });

    // A navigation: a new document, where axe-core must be injected again.
    await page.goto(`data:text/html,${encodeURIComponent(SOUND)}`);
    expect((await captureScreen(page, 'axe-runner-sound')).violations).toEqual([]);
    await page.close();
  });
});

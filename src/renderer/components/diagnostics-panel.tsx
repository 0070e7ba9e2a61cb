import { useState } from 'react';

/** Where the copied text goes; the browser clipboard by default, injected in tests. */
export type WriteClipboard = (text: string) => Promise<void>;

const browserClipboard: WriteClipboard = (text) => navigator.clipboard.writeText(text);

/**
 * The diagnostics screen's body: the report as plain text (formatDiagnosticsText in the main
 * process), selectable, with a Copy button so staff can paste it into a ticket or read it out. The
 * report holds no secret, so copying it is safe.
 */
export function DiagnosticsPanel({
  report,
  writeClipboard = browserClipboard,
}: {
  readonly report: string;
  readonly writeClipboard?: WriteClipboard;
}) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    writeClipboard(report).then(
      () => setCopied('copied'),
      () => setCopied('failed'),
    );
  };
  return (
    <section aria-labelledby="diagnostics-title">
      <h2 className="nhsuk-heading-m" id="diagnostics-title">
        Diagnostics for the service desk
      </h2>
      <p className="nhsuk-body-s">
        Read this out to the service desk, or copy it into your ticket. It contains no passcode, PUK
        or answer.
      </p>
      <pre className="app-diagnostics" tabIndex={0} aria-label="Diagnostics report">
        {report}
      </pre>
      <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={copy}>
        Copy
      </button>
      <p className="nhsuk-body-s" role="status">
        {copied === 'copied'
          ? 'Copied. Paste it into your ticket or email.'
          : copied === 'failed'
            ? 'Copying failed: select the text and copy it by hand.'
            : ''}
      </p>
    </section>
  );
}

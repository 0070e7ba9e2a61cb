import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../../../../server/console/html';

describe('the console html template', () => {
  it('when a value holds markup, then it is escaped in text and in attributes', () => {
    const name = `<script>alert("x")</script> & 'O'Brien' \``;
    const out = html`<p title="${name}">${name}</p>`.value;
    expect(out).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;O&#39;Brien&#39; &#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;O&#39;Brien&#39; &#96;</p>',
    );
    expect(out).not.toContain('<script>');
  });

  it('when html is nested or listed, then it stays markup and its own values stay escaped', () => {
    const items = ['<a>', 'b&c'];
    const out = html`<ul>
      ${items.map((i) => html`<li>${i}</li>`)}
    </ul>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(String(out).replace(/>\s+</g, '><')).toBe('<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>');
  });

  it('when a value is empty (null, undefined or false), then it renders nothing; numbers render as text', () => {
    const show = false;
    expect(html`${null}${undefined}${show && html`<b>x</b>`}${0}${42}`.value).toBe('042');
  });

  it('when text is escaped directly, then the five HTML specials and the backtick become entities', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });
});

/**
 * The one layout every Portico email uses. A template describes its message as a short list of
 * blocks; this module turns that list into both parts of the email, so the HTML and the plain
 * text always say the same thing.
 *
 * The HTML is written for mail clients, not browsers: nested tables for layout (Outlook's Word
 * engine ignores most CSS layout), inline styles only (Gmail drops <style> in many contexts), no
 * SVG, no web fonts, no scripts, a 600px column, and a hidden preheader that inboxes show next
 * to the subject. Every value is escaped where it is inserted.
 */

/**
 * The look of an email. Neutral by default; a customer's or MSP's branding can be passed in
 * later without touching the templates. Colours are CSS hex values, used in inline styles and
 * `bgcolor` attributes.
 */
export interface EmailTheme {
  /** Shown as the sender line at the top of every email (the MSP's name). */
  senderName: string;
  colorPrimary: string;
  /** Text on `colorPrimary` (the button label). */
  colorOnPrimary: string;
  colorText: string;
  colorMuted: string;
  colorBackground: string;
  colorSurface: string;
  colorBorder: string;
  fontFamily: string;
}

export const neutralTheme: Omit<EmailTheme, 'senderName'> = {
  colorPrimary: '#1f4fd1',
  colorOnPrimary: '#ffffff',
  colorText: '#1c2230',
  colorMuted: '#5b6475',
  colorBackground: '#f3f4f7',
  colorSurface: '#ffffff',
  colorBorder: '#dde1e8',
  fontFamily: "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
};

/** One piece of an email's body, rendered to both parts. */
export type EmailBlock =
  | { type: 'paragraph'; text: string }
  | { type: 'button'; label: string; url: string }
  /** Label/value pairs, e.g. the customer, the licences used, a date. */
  | { type: 'facts'; items: readonly (readonly [label: string, value: string])[] }
  /** Small print below the main content. */
  | { type: 'note'; text: string }
  /** A titled list of entries (notifications in a digest), each with a line of detail and a link. */
  | { type: 'list'; heading?: string; items: readonly { title: string; detail?: string; url?: string }[] };

export interface EmailContent {
  subject: string;
  /** The line inboxes show after the subject; not visible in the opened message. */
  preheader: string;
  heading: string;
  blocks: readonly EmailBlock[];
  /** Why the recipient got this email; shown in the footer. */
  footer: string;
}

export interface RenderedEmail {
  /** Who the email is from, by name (the From header's display name). */
  senderName: string;
  subject: string;
  html: string;
  text: string;
  /** An image the HTML shows by `cid:`; the sender attaches the PNG raster of this logo under that id. */
  inline?: { cid: string; logoId: string };
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => htmlEscapes[ch]!);
}

/** Only web links become buttons: a `javascript:` or `data:` URL in stored data is refused. */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error(`email links must be http(s), got ${parsed.protocol}`);
  return parsed.toString();
}

/** Hides a CSS value's quotes from the attribute it is written into. */
const css = (value: string) => escapeHtml(value);

function blockHtml(block: EmailBlock, t: EmailTheme): string {
  const text = `margin:0 0 16px 0;font-family:${css(t.fontFamily)};font-size:16px;line-height:24px;color:${css(t.colorText)};`;
  switch (block.type) {
    case 'paragraph':
      return `<p style="${text}">${escapeHtml(block.text)}</p>`;
    case 'note':
      return `<p style="${text}font-size:13px;line-height:20px;color:${css(t.colorMuted)};">${escapeHtml(block.text)}</p>`;
    case 'facts': {
      const rows = block.items
        .map(
          ([label, value]) =>
            `<tr><td style="padding:6px 12px 6px 0;font-family:${css(t.fontFamily)};font-size:14px;line-height:20px;color:${css(t.colorMuted)};vertical-align:top;white-space:nowrap;">${escapeHtml(label)}</td>` +
            `<td style="padding:6px 0;font-family:${css(t.fontFamily)};font-size:14px;line-height:20px;color:${css(t.colorText)};vertical-align:top;font-weight:600;">${escapeHtml(value)}</td></tr>`,
        )
        .join('');
      return `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px 0;border-collapse:collapse;">${rows}</table>`;
    }
    case 'list': {
      const heading = block.heading
        ? `<h2 style="margin:8px 0 8px 0;font-family:${css(t.fontFamily)};font-size:15px;line-height:22px;font-weight:700;color:${css(t.colorText)};">${escapeHtml(block.heading)}</h2>`
        : '';
      const rows = block.items
        .map((item) => {
          const title = item.url
            ? `<a href="${escapeHtml(safeUrl(item.url))}" target="_blank" style="color:${css(t.colorPrimary)};text-decoration:underline;">${escapeHtml(item.title)}</a>`
            : escapeHtml(item.title);
          const detail = item.detail ? `<br><span style="font-size:13px;line-height:20px;color:${css(t.colorMuted)};">${escapeHtml(item.detail)}</span>` : '';
          return `<tr><td style="padding:10px 0;border-top:1px solid ${css(t.colorBorder)};font-family:${css(t.fontFamily)};font-size:15px;line-height:22px;color:${css(t.colorText)};">${title}${detail}</td></tr>`;
        })
        .join('');
      return `${heading}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;margin:0 0 16px 0;border-collapse:collapse;">${rows}</table>`;
    }
    case 'button': {
      const url = escapeHtml(safeUrl(block.url));
      // A "bulletproof" button: the coloured cell is the click target's background in every
      // client, and the padded link inside it keeps the whole area clickable.
      return (
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px 0;"><tr>` +
        `<td align="center" bgcolor="${css(t.colorPrimary)}" style="border-radius:6px;background-color:${css(t.colorPrimary)};">` +
        `<a href="${url}" target="_blank" style="display:inline-block;padding:14px 28px;font-family:${css(t.fontFamily)};font-size:16px;line-height:20px;font-weight:600;color:${css(t.colorOnPrimary)};text-decoration:none;border-radius:6px;">${escapeHtml(block.label)}</a>` +
        `</td></tr></table>` +
        `<p style="${text}font-size:13px;line-height:20px;color:${css(t.colorMuted)};">If the button does not work, copy this link into your browser:<br>` +
        `<a href="${url}" target="_blank" style="color:${css(t.colorPrimary)};word-break:break-all;">${url}</a></p>`
      );
    }
  }
}

function blockText(block: EmailBlock): string {
  switch (block.type) {
    case 'paragraph':
    case 'note':
      return block.text;
    case 'facts':
      return block.items.map(([label, value]) => `${label}: ${value}`).join('\n');
    case 'button':
      return `${block.label}:\n${safeUrl(block.url)}`;
    case 'list':
      return [
        ...(block.heading ? [block.heading, '-'.repeat(Math.min(block.heading.length, 72))] : []),
        ...block.items.map((item) => [`- ${item.title}`, ...(item.detail ? [`  ${item.detail}`] : []), ...(item.url ? [`  ${safeUrl(item.url)}`] : [])].join('\n')),
      ].join('\n');
  }
}

export function renderHtml(content: EmailContent, t: EmailTheme): string {
  const body = content.blocks.map((b) => blockHtml(b, t)).join('\n');
  const font = `font-family:${css(t.fontFamily)};`;
  // Filler after the preheader keeps inboxes from showing the body's first words after it.
  const filler = '&#847;&zwnj;&nbsp;'.repeat(40);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${escapeHtml(content.subject)}</title>
</head>
<body style="margin:0;padding:0;width:100%;background-color:${css(t.colorBackground)};">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:${css(t.colorBackground)};">${escapeHtml(content.preheader)}${filler}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${css(t.colorBackground)}" style="width:100%;background-color:${css(t.colorBackground)};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;">
<tr><td style="padding:0 4px 16px 4px;${font}font-size:15px;line-height:20px;font-weight:700;color:${css(t.colorText)};">${escapeHtml(t.senderName)}</td></tr>
<tr><td bgcolor="${css(t.colorSurface)}" style="padding:32px;background-color:${css(t.colorSurface)};border:1px solid ${css(t.colorBorder)};border-radius:8px;">
<h1 style="margin:0 0 20px 0;${font}font-size:22px;line-height:30px;font-weight:700;color:${css(t.colorText)};">${escapeHtml(content.heading)}</h1>
${body}
</td></tr>
<tr><td style="padding:16px 4px 0 4px;${font}font-size:12px;line-height:18px;color:${css(t.colorMuted)};">${escapeHtml(content.footer)}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

export function renderText(content: EmailContent, t: EmailTheme): string {
  const parts = [t.senderName, '', content.heading, '='.repeat(Math.min(content.heading.length, 72)), '', ...content.blocks.flatMap((b) => [blockText(b), '']), '--', content.footer];
  return `${parts.join('\n')}\n`;
}

export function renderContent(content: EmailContent, theme: EmailTheme): RenderedEmail {
  return { senderName: theme.senderName, subject: content.subject, html: renderHtml(content, theme), text: renderText(content, theme) };
}

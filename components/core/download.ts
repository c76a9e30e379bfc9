/**
 * Hands `blob` to the browser as a download named `filename`: a hidden link inside the widget
 * (`root`, so the click stays in its shadow tree) is clicked once and removed. The object URL is
 * revoked a little later, since some browsers read it after the click has returned.
 */
export function saveBlob(root: ParentNode, blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  root.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name a response's `Content-Disposition` gives, else `fallback`. */
export function attachmentName(response: Response, fallback: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  return named ? decodeURIComponent(named) : fallback;
}

// What a message holds beyond its text: uploaded files (image thumbnails that open full size, file cards) and link previews.
import { h, safeUrl, icon } from '../dom.js';

/** "1.4 MB", "820 KB", "12 bytes". */
export function formatSize(bytes) {
  if (!Number.isFinite(bytes)) return '';
  if (bytes < 1000) return `${bytes} byte${bytes === 1 ? '' : 's'}`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The full-size image in a modal (native <dialog>: Escape and focus handling for free). */
function viewImage(a) {
  const close = () => dialog.close();
  const dialog = h('dialog', { class: 'dialog image-viewer', 'aria-label': a.name },
    h('div', { class: 'dialog-head' },
      h('h2', {}, a.name),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: close }, '×')),
    h('img', { src: a.url, alt: a.name, class: 'full-image' }),
    h('p', { class: 'hint' }, `${a.width} × ${a.height} · ${formatSize(a.size)} · `,
      h('a', { href: a.url, download: a.name, target: '_blank', rel: 'noopener' }, 'Download')));
  dialog.addEventListener('close', () => dialog.remove());
  dialog.addEventListener('click', e => { if (e.target === dialog) close(); });
  document.body.append(dialog);
  dialog.showModal();
}

function thumbnail(a) {
  // Shown at the thumbnail's own aspect ratio, at most 240 px wide, so the list does not jump when it loads.
  const scale = Math.min(1, 240 / Math.max(a.width ?? 240, 1));
  return h('button', { type: 'button', class: 'attachment-image', 'aria-label': `Open image ${a.name}`, title: a.name, onclick: () => viewImage(a) },
    h('img', { src: a.thumbnailUrl, alt: a.name, loading: 'lazy', width: Math.round((a.width ?? 240) * scale), height: Math.round((a.height ?? 160) * scale) }));
}

function fileCard(a) {
  return h('a', { class: 'file-card', href: a.url, download: a.name, target: '_blank', rel: 'noopener' },
    icon('clip'),
    h('span', { class: 'file-card-text' },
      h('span', { class: 'file-card-name' }, a.name),
      h('span', { class: 'file-card-size' }, `${formatSize(a.size)} · ${a.contentType}`)));
}

export function attachmentList(attachments) {
  if (!attachments?.length) return null;
  return h('div', { class: 'attachments' }, attachments.map(a => a.thumbnailUrl && a.width ? thumbnail(a) : fileCard(a)));
}

/** The link's card. Its imageUrl is on another site: not loaded, so that reading a message tells no third party who read it. */
export function previewCard(p) {
  const href = p && safeUrl(p.url);
  if (!href) return null;
  return h('a', { class: 'preview-card', href, target: '_blank', rel: 'noopener noreferrer' },
    h('span', { class: 'preview-text' },
      p.siteName ? h('span', { class: 'preview-site' }, p.siteName) : null,
      p.title ? h('strong', { class: 'preview-title' }, p.title) : null,
      p.description ? h('span', { class: 'preview-description' }, p.description) : null));
}

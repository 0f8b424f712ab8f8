// The composer's files: attach button, drag and drop, pasted images; each uploads at once with a progress bar.
import { h, icon } from '../dom.js';
import { upload, ApiError } from '../api.js';
import { formatSize } from './attachments.js';

const MAX_FILES = 10;

export function createUploadTray({ conversationId, toast, onChange }) {
  const staged = [];           // {file, progress, result, error, promise, controller, el}
  const tray = h('ul', { class: 'upload-tray', id: 'upload-tray', 'aria-label': 'Files to send', hidden: true });
  const input = h('input', { type: 'file', multiple: true, class: 'visually-hidden', id: 'file-input', tabindex: '-1',
    onchange: () => { add([...input.files]); input.value = ''; } });
  const button = h('button', { type: 'button', class: 'icon-button attach', id: 'attach-button', 'aria-label': 'Attach files', title: 'Attach files',
    onclick: () => input.click() }, icon('clip'));

  function render() {
    tray.hidden = staged.length === 0;
    tray.replaceChildren(...staged.map(s => s.el));
    onChange?.();
  }

  function item(s) {
    const bar = h('progress', { max: 1, value: 0, 'aria-label': `Uploading ${s.file.name}` });
    const state = h('span', { class: 'upload-state' }, formatSize(s.file.size));
    const remove = h('button', { type: 'button', class: 'icon-button', 'aria-label': `Remove ${s.file.name}`, onclick: () => drop(s) }, '×');
    s.el = h('li', { class: 'upload-item' }, h('span', { class: 'upload-name' }, s.file.name || 'pasted image'), bar, state, remove);
    s.update = () => {
      bar.value = s.progress;
      bar.hidden = Boolean(s.result || s.error);
      state.textContent = s.error ? s.error : s.result ? `${formatSize(s.result.size)} · ready` : `${Math.round(s.progress * 100)}%`;
      s.el.classList.toggle('failed', Boolean(s.error));
    };
  }

  function add(files) {
    for (const file of files) {
      if (staged.length >= MAX_FILES) { toast(`At most ${MAX_FILES} files per message`); break; }
      const s = { file, progress: 0, result: null, error: null, controller: new AbortController() };
      item(s);
      s.promise = upload(file, { conversationId: conversationId(), signal: s.controller.signal, onProgress: f => { s.progress = f; s.update(); } })
        .then(r => { s.result = r; s.update(); onChange?.(); return r; })
        .catch(e => { s.error = e instanceof ApiError ? e.describe() : 'Upload failed'; s.update(); onChange?.(); return null; });
      staged.push(s);
    }
    render();
  }

  function drop(s) {
    s.controller.abort();
    staged.splice(staged.indexOf(s), 1);
    render();
  }

  /** Waits for every staged upload; the ids of those that worked (failed ones stay listed with their error). */
  async function take() {
    const results = await Promise.all(staged.map(s => s.promise));
    const ids = results.filter(Boolean).map(r => r.id);
    for (const s of [...staged]) if (s.result) staged.splice(staged.indexOf(s), 1);
    render();
    return ids;
  }

  function clear() { for (const s of [...staged]) drop(s); }

  /** Drag and drop onto `zone`, and images pasted into `field`. */
  function wire(zone, field) {
    zone.addEventListener('dragover', e => {
      if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
      e.preventDefault();
      zone.classList.add('dropping');
    });
    zone.addEventListener('dragleave', e => { if (!zone.contains(e.relatedTarget)) zone.classList.remove('dropping'); });
    zone.addEventListener('drop', e => {
      zone.classList.remove('dropping');
      if (!e.dataTransfer?.files?.length) return;
      e.preventDefault();
      add([...e.dataTransfer.files]);
    });
    field.addEventListener('paste', e => {
      const files = [...(e.clipboardData?.files ?? [])];
      if (!files.length) return;
      e.preventDefault();
      add(files);
    });
  }

  return { tray, input, button, add, take, clear, wire, get count() { return staged.length; } };
}

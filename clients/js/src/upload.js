// POST /api/uploads as multipart/form-data. With `onProgress` in a browser it goes through XMLHttpRequest, the one
// API that reports upload progress; otherwise through fetch like every other call.
import { ParleyError, networkError } from './errors.js';

function form(file, conversationId, name) {
  const body = new FormData();
  if (conversationId) body.append('conversationId', conversationId);
  body.append('file', file, name || file.name || 'file');
  return body;
}

export function upload(http, file, { conversationId, name, onProgress, signal } = {}) {
  const body = form(file, conversationId, name);
  if (!onProgress || typeof XMLHttpRequest === 'undefined') return http.request('POST', '/api/uploads', { body, signal });
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', http.url('/api/uploads'));
    const headers = http.headers();
    for (const [key, value] of Object.entries(headers)) xhr.setRequestHeader(key, value);
    xhr.responseType = 'json';
    xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      const envelope = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300 && envelope?.success !== false) return resolve(envelope?.data);
      if (xhr.status === 401 && headers.Authorization) http.options.onUnauthorized?.();
      reject(ParleyError.from(xhr.status, envelope));
    };
    xhr.onerror = () => reject(networkError());
    xhr.onabort = () => reject(new ParleyError(0, 'aborted', 'Upload cancelled'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

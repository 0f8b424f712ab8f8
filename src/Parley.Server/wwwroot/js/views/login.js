// Sign in / create account. One form, two modes; errors are announced (role=alert) next to the button.
import { h } from '../dom.js';
import { endpoints, ApiError } from '../api.js';

export function renderLogin(onSignedIn) {
  let mode = 'login';
  const error = h('p', { class: 'form-error', role: 'alert', id: 'auth-error' });
  const username = h('input', { id: 'auth-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { id: 'auth-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, minlength: 1 });
  const email = h('input', { id: 'auth-email', name: 'email', type: 'email', autocomplete: 'email' });
  const name = h('input', { id: 'auth-name', name: 'name', autocomplete: 'name' });
  const extra = h('div', { class: 'register-only', hidden: true },
    field('auth-name', 'Display name (optional)', name),
    field('auth-email', 'Email (optional)', email));
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Sign in');
  const heading = h('h2', { id: 'auth-heading' }, 'Sign in');
  const switcher = h('button', { type: 'button', class: 'link', onclick: () => setMode(mode === 'login' ? 'register' : 'login') }, 'Create an account');
  const switchText = h('span', {}, 'New here? ');
  const usernameField = field('auth-username', 'Username or email', username);

  function setMode(next) {
    mode = next;
    const register = mode === 'register';
    heading.textContent = register ? 'Create your account' : 'Sign in';
    submit.textContent = register ? 'Create account' : 'Sign in';
    switchText.textContent = register ? 'Have an account? ' : 'New here? ';
    switcher.textContent = register ? 'Sign in instead' : 'Create an account';
    extra.hidden = !register;
    usernameField.querySelector('label').textContent = register ? 'Username' : 'Username or email';
    password.autocomplete = register ? 'new-password' : 'current-password';
    error.textContent = '';
    username.focus();
  }

  async function onSubmit(e) {
    e.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    try {
      const body = { username: username.value.trim(), password: password.value };
      const auth = mode === 'register'
        ? await endpoints.register({ ...body, email: email.value.trim() || undefined, name: name.value.trim() || undefined })
        : await endpoints.login(body);
      await onSignedIn(auth);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.describe() : 'Something went wrong. Try again.';
      submit.disabled = false;
    }
  }

  const view = h('main', { class: 'auth' },
    h('div', { class: 'auth-card' },
      h('h1', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Parley'),
      h('p', { class: 'tagline' }, 'Chat with your people, live.'),
      h('form', { onsubmit: onSubmit, 'aria-labelledby': 'auth-heading', novalidate: false },
        heading,
        usernameField,
        field('auth-password', 'Password', password),
        extra,
        error,
        submit),
      h('p', { class: 'switch' }, switchText, switcher)));
  queueMicrotask(() => username.focus());
  return view;
}

function field(id, label, input) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

// The dashboard's only script, served as /admin/assets/admin.js: it sends forms and buttons to
// the admin API (JSON, with the CSRF token) and shows the answer. Every action is therefore a
// real admin API request; there is no second implementation for the pages.
'use strict'
function csrf() {
  const meta = document.querySelector('meta[name="csrf-token"]')
  return meta ? meta.getAttribute('content') : ''
}

async function call(method, url, body) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-CSRF-Token': csrf() },
  }
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body || {})
  }
  const res = await fetch(url, init)
  let data
  try {
    data = await res.json()
  } catch {
    data = null
  }
  if (!res.ok) {
    const err = new Error(data && data.error ? data.error.message : 'HTTP ' + res.status)
    err.status = res.status
    err.retryAfter = res.headers.get('Retry-After')
    throw err
  }
  return data
}

// A number field: blank is null (no limit), else the number times its unit select, if any.
function numberValue(form, el) {
  const text = el.value.trim()
  if (text === '') return null
  const unit = el.dataset.scale ? form.elements.namedItem(el.dataset.scale) : null
  return Number(text) * (unit ? Number(unit.value) : 1)
}

// 'rateLimit.requests' goes to body.rateLimit.requests; a group whose fields are all blank is
// sent as null, which clears it.
function setField(body, name, value) {
  const dot = name.indexOf('.')
  if (dot < 0) {
    body[name] = value
    return
  }
  const group = name.slice(0, dot)
  if (!body[group]) body[group] = {}
  body[group][name.slice(dot + 1)] = value
}

// A text as the CLI's --set reads it for a field that takes no string: its JSON reading, else
// the text, which the server then refuses naming the field.
function jsonOrText(text) {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

// A settings form: only inputs whose text changed are sent. A ticked "clear" (data-unset) or a
// non-secret input emptied unsets the key; a blank secret keeps the stored one.
function settingsBody(form) {
  const set = {}
  const unset = []
  for (const el of Array.from(form.elements)) {
    if (!el.name || el.disabled) continue
    if (el.dataset.unset !== undefined) {
      if (el.checked) unset.push(el.name)
      continue
    }
    if (!el.dataset.setting) continue
    const initial = el.dataset.initial === undefined ? '' : el.dataset.initial
    if (el.value === initial) continue
    if (el.value.trim() === '') {
      if (initial !== '') unset.push(el.name)
      continue
    }
    set[el.name] = el.dataset.setting === 'text' ? el.value : jsonOrText(el.value.trim())
  }
  for (const key of unset) delete set[key]
  return { set, unset }
}

async function formBody(form) {
  if (form.dataset.encode === 'settings') return settingsBody(form)
  const body = {}
  const groups = new Set()
  for (const el of Array.from(form.elements)) {
    if (!el.name || el.disabled || el.dataset.unit !== undefined) continue
    if (el.name.includes('.')) groups.add(el.name.slice(0, el.name.indexOf('.')))
    if (el.dataset.list !== undefined) {
      if (!body[el.name]) body[el.name] = []
      if (el.checked) body[el.name].push(el.value)
    } else if (el.type === 'checkbox') {
      body[el.name] = el.checked
    } else if (el.type === 'file') {
      // A private key upload is read as text here; the server never sees the file name.
      if (el.files && el.files[0]) body[el.name] = await el.files[0].text()
    } else if (el.dataset.json !== undefined) {
      try {
        body[el.name] = el.value.trim() ? JSON.parse(el.value) : {}
      } catch (e) {
        throw new Error(el.name + ' is not valid JSON: ' + e.message, { cause: e })
      }
    } else if (el.dataset.number !== undefined) {
      setField(body, el.name, numberValue(form, el))
    } else if (el.type !== 'submit' && el.type !== 'button') {
      setField(body, el.name, el.value)
    }
  }
  for (const group of groups) {
    if (Object.values(body[group]).every((v) => v === null || v === '')) body[group] = null
  }
  return body
}

function el(tag, cls, text) {
  const node = document.createElement(tag)
  if (cls) node.className = cls
  if (text !== undefined) node.textContent = text
  return node
}

function renderPing(target, data) {
  const list = el('ul', 'steps')
  for (const step of data.steps) {
    const li = el('li', step.ok ? 'ok' : 'fail')
    li.appendChild(el('strong', '', (step.ok ? '✓ ' : '✗ ') + step.name))
    li.appendChild(el('span', '', ' ' + step.detail))
    list.appendChild(li)
  }
  target.appendChild(list)
  if (data.token) {
    const dl = el('dl', 'token')
    const rows = [
      ['instance_url', data.token.instanceUrl],
      ['id', data.token.id],
      ['issued_at', data.token.issuedAt],
      ['signature checked', data.token.signatureVerified ? 'yes' : 'no'],
    ]
    for (const [k, v] of rows) {
      dl.appendChild(el('dt', '', k))
      dl.appendChild(el('dd', '', v))
    }
    target.appendChild(dl)
  }
}

function show(target, data, kind) {
  target.replaceChildren()
  target.hidden = false
  target.classList.remove('error')
  if (kind === 'ping') return renderPing(target, data)
  if (kind === 'key') {
    // A definition with no new key to show (Basic, JWT, an edit): the page shows the change.
    if (!data.key) return location.reload()
    target.appendChild(
      el('p', '', 'Saved. The API key, shown this once: copy it now, it cannot be read again.'),
    )
    target.appendChild(el('code', 'secret-once', data.key))
    const done = el('a', '', 'Done, I copied it')
    done.href = location.pathname + location.search
    target.appendChild(done)
    return
  }
  const value = kind === 'invoke' ? data.output : data
  target.appendChild(el('p', 'ok', kind === 'invoke' ? 'Output:' : 'Done.'))
  target.appendChild(el('pre', 'output', JSON.stringify(value, null, 2)))
}

function showError(target, err) {
  target.replaceChildren()
  target.hidden = false
  target.classList.add('error')
  target.appendChild(
    el('p', '', err.message + (err.retryAfter ? ' (retry after ' + err.retryAfter + ' s)' : '')),
  )
}

// Fetches a panel's server-rendered HTML again (its data-src), e.g. the usage after a ping.
async function refresh(panel) {
  if (!panel || !panel.dataset.src) return
  const res = await fetch(panel.dataset.src, {
    credentials: 'same-origin',
    headers: { Accept: 'text/html' },
  })
  if (!res.ok) throw new Error('could not refresh the panel: HTTP ' + res.status)
  const fresh = document.createElement('template')
  fresh.innerHTML = await res.text()
  panel.replaceChildren(fresh.content)
}

async function act(source, body) {
  const scope = source.closest('form, .actions')
  const target = source.dataset.result
    ? document.querySelector(source.dataset.result)
    : scope && scope.querySelector('.result')
  const method = source.dataset.method || 'POST'
  if (source.dataset.confirm && !window.confirm(source.dataset.confirm)) return
  source.setAttribute('aria-busy', 'true')
  try {
    const data = await call(method, source.dataset.action, await body())
    if (source.dataset.redirect !== undefined) {
      const field = source.dataset.redirectField
      location.assign(source.dataset.redirect + (field ? encodeURIComponent(data[field]) : ''))
    } else if (source.dataset.then === 'reload') {
      location.reload()
    } else if (target) {
      show(target, data, source.dataset.render)
    }
    if (source.dataset.refresh) await refresh(document.querySelector(source.dataset.refresh))
  } catch (err) {
    if (target) showError(target, err)
  } finally {
    source.removeAttribute('aria-busy')
  }
}

document.addEventListener('submit', (event) => {
  const form = event.target
  if (!form.dataset.action) return
  event.preventDefault()
  act(form, () => formBody(form))
})

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-action]')
  if (!button || button.form) return
  act(button, () => Promise.resolve(button.dataset.body ? JSON.parse(button.dataset.body) : {}))
})

// Shows a [data-show] block only while its form's fields hold the values it names
// ("authFlow:password|jwt_bearer", "kind:jwt algorithm:HS256"); hidden inputs are disabled so
// they are not sent.
function syncShown(form) {
  for (const block of form.querySelectorAll('[data-show]')) {
    const on = block.dataset.show.split(' ').every((condition) => {
      const [name, values] = condition.split(':')
      const control = form.elements.namedItem(name)
      return Boolean(control) && values.split('|').includes(control.value)
    })
    block.hidden = !on
    for (const input of block.querySelectorAll('input, textarea, select')) input.disabled = !on
  }
}
document.addEventListener('change', (event) => {
  if (event.target.form) syncShown(event.target.form)
})
document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll('form')) syncShown(form)
})

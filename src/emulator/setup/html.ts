// Server-rendered HTML for the Setup pages: escaping (every dynamic value goes through
// `esc`) and the shared layout with a little CSS. No build step, no client framework.

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(value: string | number | boolean | null | undefined): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #181818; background: #f3f3f3; }
  header { background: #032d60; color: #fff; padding: 10px 20px; display: flex; align-items: center; gap: 24px; }
  header a { color: #fff; text-decoration: none; }
  header .brand { font-weight: 600; font-size: 16px; }
  header form { margin-left: auto; }
  main { max-width: 980px; margin: 24px auto; background: #fff; border-radius: 6px; padding: 24px; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 22px; margin: 0 0 16px; }
  h2 { font-size: 16px; margin: 24px 0 8px; }
  label { display: block; margin: 12px 0 4px; font-weight: 600; }
  label.inline { display: inline; font-weight: normal; margin-left: 6px; }
  input[type=text], input[type=email], input[type=password], input[type=url], input[type=search], select {
    width: 100%; max-width: 480px; padding: 7px 9px; border: 1px solid #c9c9c9; border-radius: 4px; font: inherit; }
  select[multiple] { height: 150px; }
  button, .button { display: inline-block; background: #0176d3; color: #fff; border: 0; border-radius: 4px;
    padding: 8px 16px; font: inherit; cursor: pointer; text-decoration: none; margin-top: 16px; }
  button.secondary, .button.secondary { background: #fff; color: #0176d3; border: 1px solid #c9c9c9; }
  table { border-collapse: collapse; width: 100%; margin-top: 12px; }
  th, td { text-align: left; padding: 8px; border-bottom: 1px solid #e5e5e5; }
  th { background: #fafaf9; }
  .error { color: #ba0517; background: #fef1ee; padding: 8px 12px; border-radius: 4px; }
  .notice { color: #2e844a; background: #ebf7e6; padding: 8px 12px; border-radius: 4px; }
  .hint { color: #706e6b; font-size: 12px; }
  dl { display: grid; grid-template-columns: 220px 1fr; gap: 6px 16px; }
  dt { font-weight: 600; }
  dd { margin: 0; word-break: break-all; }
  ul.quickfind { list-style: none; padding: 0; }
  ul.quickfind li { padding: 6px 0; }
  .secret { font-family: ui-monospace, monospace; }
`

export interface LayoutUser {
  username: string
  csrf: string
}

/** A full page. `user` adds the header with the Setup link and the log-out button. */
export function page(title: string, body: string, user?: LayoutUser): string {
  const header =
    user === undefined
      ? '<header><span class="brand">forcebridge emulator</span></header>'
      : `<header>
  <span class="brand">forcebridge emulator</span>
  <a href="/lightning/setup/SetupOneHome/home">Setup</a>
  <a href="/lightning/setup/NavigationMenus/home">App Manager</a>
  <form method="post" action="/secur/logout.jsp">
    <input type="hidden" name="_csrf" value="${esc(user.csrf)}">
    <span>${esc(user.username)}</span> <button class="secondary" type="submit" style="margin:0 0 0 8px">Log Out</button>
  </form>
</header>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)} | forcebridge emulator</title>
<style>${STYLE}</style>
</head>
<body>
${header}
<main>
${body}
</main>
</body>
</html>`
}

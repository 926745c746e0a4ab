// The dashboard's stylesheet, served as /admin/assets/admin.css: system fonts (which cover
// Greek and Hangul), a readable table layout, and one column on phone-width screens.
export const ADMIN_STYLES = `
:root { --fg: #1d2733; --muted: #5b6775; --line: #d8dee6; --bg: #f6f8fa; --accent: #0b5cab;
  --ok: #1f7a3a; --bad: #b3261e; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans",
  "Noto Sans KR", "Apple SD Gothic Neo", sans-serif; color: var(--fg); }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); line-height: 1.45; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
a { color: var(--accent); }
nav.top { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; padding: .6rem 1rem;
  background: #0b2540; }
nav.top a, nav.top .who, nav.top .link { color: #fff; text-decoration: none; }
nav.top a.current { text-decoration: underline; }
nav.top .brand { font-weight: 700; margin-right: 1rem; }
nav.top .who { margin-left: auto; opacity: .85; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin: 0 0 1rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td { overflow-wrap: anywhere; }
form.stack { display: grid; gap: .75rem; max-width: 640px; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
label { display: grid; gap: .2rem; font-weight: 600; font-size: .9rem; }
label.check { display: flex; gap: .4rem; align-items: center; font-weight: 400; }
.hint { font-weight: 400; color: var(--muted); font-size: .85rem; }
input, select, textarea { font: inherit; padding: .4rem .5rem; border: 1px solid #b8c2cc; border-radius: 4px;
  background: #fff; width: 100%; min-width: 0; }
input[type=checkbox] { width: auto; }
textarea { min-height: 7rem; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9rem; }
button, .button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
button.link { background: none; border: none; padding: 0; text-decoration: underline; }
button[aria-busy=true] { opacity: .6; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: .5rem 0; }
td.actions { display: table-cell; margin: 0; }
td.actions > * { margin: 0 .4rem .2rem 0; }
.result { margin-top: .75rem; }
.result.error, p.error { color: var(--bad); }
.ok { color: var(--ok); }
.fail { color: var(--bad); }
.muted { color: var(--muted); }
ul.steps { list-style: none; padding: 0; margin: .25rem 0; }
ul.steps li { margin: .2rem 0; }
dl.token, dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dl.token dt, dl.facts dt { color: var(--muted); }
dl.token dd, dl.facts dd { margin: 0; overflow-wrap: anywhere; }
pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85rem; }
pre { background: #f0f3f6; padding: .6rem; border-radius: 4px; overflow-x: auto; white-space: pre-wrap; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; border: 1px solid var(--line); }
.badge.on, .badge.succeeded { color: var(--ok); border-color: var(--ok); }
.badge.off, .badge.dead { color: var(--bad); border-color: var(--bad); }
svg.gauge, svg.chart { display: block; max-width: 100%; height: auto; }
.secret-once { display: block; padding: .4rem; background: #fff7d6; word-break: break-all; user-select: all; }
fieldset { border: 1px solid var(--line); border-radius: 4px; padding: .5rem .75rem .75rem; margin: 0;
  display: grid; gap: .75rem; min-width: 0; }
legend { font-weight: 600; font-size: .9rem; padding: 0 .25rem; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: .75rem; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
@media (max-width: 700px) {
  main { padding: .6rem; }
  .grid2 { grid-template-columns: 1fr; }
  nav.top .who { margin-left: 0; }
  th, td { padding: .35rem .4rem; }
  table.responsive thead { display: none; }
  table.responsive tr { display: block; border-bottom: 1px solid var(--line); padding: .3rem 0; }
  table.responsive td { display: block; border: none; padding: .15rem .4rem; }
  table.responsive td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: .8rem; }
}
`

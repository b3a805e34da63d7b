/** The dashboard's HTML shell: sections the browser code fills in; styles inline (no external assets). */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Enigma dashboard</title>
<link rel="icon" href="data:,">
<style>
  :root { --fg:#1d2330; --muted:#6b7280; --line:#e5e7eb; --ok:#15803d; --warn:#b45309; --bad:#b91c1c; --acc:#2563eb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: var(--fg); background: #f8fafc; }
  header { padding: 10px 18px; background: #111827; color: #f9fafb; display: flex; gap: 18px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 16px; margin: 0; }
  header span { color: #cbd5e1; font-family: ui-monospace, monospace; font-size: 12px; }
  main { padding: 12px 18px; display: grid; gap: 14px; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; }
  section.wide { grid-column: 1 / -1; }
  h2 { font-size: 14px; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th { color: var(--muted); font-weight: 600; font-size: 12px; }
  td.mono, span.mono { font-family: ui-monospace, monospace; font-size: 12px; }
  .badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 11px; font-weight: 600; color: #fff; }
  .b-active, .b-completed, .b-settled, .b-up { background: var(--ok); }
  .b-pending, .b-open, .b-computing, .b-inactive, .b-suspended { background: var(--warn); }
  .b-slashed, .b-refunded, .b-expired, .b-down { background: var(--bad); }
  .muted { color: var(--muted); }
  .scroll { overflow-x: auto; }
  form.plan { display: flex; gap: 10px; align-items: center; margin-bottom: 6px; flex-wrap: wrap; }
  form.plan input { width: 80px; }
  #error { color: var(--bad); }
</style>
</head>
<body>
<header><h1>Enigma network</h1><span id="chain">connecting…</span><span id="error"></span></header>
<main>
  <section class="wide"><h2>Nodes</h2><div class="scroll" id="nodes"></div></section>
  <section class="wide"><h2>Tasks</h2><div class="scroll" id="tasks"></div></section>
  <section><h2>Task latency (creation → receipt)</h2><div id="latency"></div></section>
  <section><h2>Committee security</h2><div id="planner"></div></section>
  <section class="wide"><h2>Slashing and accusations</h2><div class="scroll" id="slashing"></div></section>
  <section class="wide" id="records-section" hidden><h2>Stored records and grants</h2><div class="scroll" id="records"></div></section>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>
`

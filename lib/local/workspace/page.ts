/**
 * The page's HTML shell and stylesheet. The shell holds no data: the script (browser/main.ts) fetches it from the
 * API and renders it as text nodes.
 */

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zone-eval workspace</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <h1>zone-eval workspace <span class="sub">本地工作区</span></h1>
  <nav>
    <a href="#/results" id="nav-results">Results 结果</a>
    <a href="#/sheets" id="nav-sheets">Spreadsheets 表格</a>
    <label>Evaluation <select id="evaluation"></select></label>
    <span id="status" class="status" role="status">connecting…</span>
  </nav>
</header>
<main id="main"><p>Loading…</p></main>
</body>
</html>
`;

export const PAGE_CSS = `
:root { font-family: system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1d1d1f; }
body { margin: 0; background: #f6f7f9; }
header { background: #fff; border-bottom: 1px solid #dde; padding: 8px 16px; position: sticky; top: 0; z-index: 2; }
h1 { font-size: 18px; margin: 0 0 4px; }
h1 .sub { color: #667; font-weight: normal; }
nav { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
nav a { text-decoration: none; color: #0b57d0; }
nav a.active { font-weight: bold; }
.status { font-size: 13px; color: #445; padding: 2px 8px; border-radius: 10px; background: #e8f0fe; }
.status.pending { background: #fff4cf; }
main { padding: 12px 16px 40px; }
h2 { font-size: 17px; margin: 8px 0; }
h3 { font-size: 15px; margin: 16px 0 4px; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { border: 1px solid #dde; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #eef0f4; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grade { display: inline-block; min-width: 1.4em; text-align: center; border-radius: 3px; padding: 0 4px; font-weight: bold; }
.legend { list-style: none; display: flex; gap: 16px; padding: 0; margin: 4px 0; font-size: 13px; }
.run, .notes { font-size: 12px; color: #556; }
svg.chart { width: 100%; max-width: 960px; background: #fff; border: 1px solid #dde; display: block; margin: 8px 0; }
svg.chart .axis { font-size: 10px; fill: #556; }
tr.changed td { background: #fffbe0; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; font-size: 14px; }
dt { color: #556; }
dd { margin: 0; }
.next-grade { background: #fff; border-left: 4px solid #0b57d0; padding: 6px 10px; }
.sheet-head { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
.tabs { display: flex; gap: 4px; margin: 8px 0; flex-wrap: wrap; }
.tabs button { border: 1px solid #cdd; background: #fff; padding: 3px 10px; cursor: pointer; }
.tabs button.active { background: #0b57d0; color: #fff; }
.panes { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.pane { overflow: auto; max-height: 75vh; }
table.grid th { color: #667; font-weight: normal; text-align: center; background: #f1f3f4; }
table.grid td { min-width: 40px; max-width: 360px; white-space: pre-wrap; }
table.grid.editable td { cursor: cell; }
table.grid.editable td:hover { outline: 2px solid #a8c7fa; }
table.grid td.refused { background: #fde7e7; outline: 1px solid #d93025; }
table.grid td.check { background: #fff8e1; }
.refused-list { background: #fde7e7; border-left: 4px solid #d93025; padding: 4px 12px; margin: 8px 0; font-size: 13px; }
.refused-list h3 { margin: 4px 0; }
table.grid td.editing { padding: 0; }
table.grid td.editing input { width: 100%; min-width: 140px; box-sizing: border-box; font: inherit; padding: 3px 6px; border: 2px solid #0b57d0; }
.message { margin: 6px 0; padding: 6px 10px; border-radius: 4px; font-size: 13px; }
.message.ok { background: #e6f4ea; }
.message.error { background: #fde7e7; }
`;

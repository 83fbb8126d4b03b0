/** The page's only stylesheet, inline; the Content-Security-Policy allows exactly this text by its hash. */
import { pagePolicy } from '../shared/html';

export const PAGE_CSS = `
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--red:#cf222e;--yellow:#bf8700;--green:#1a7f37;--grey:#8c959f;--blue:#0969da}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK KR","Noto Sans KR","Malgun Gothic",sans-serif;color:var(--ink);background:#fff}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:8px 20px;padding:14px 24px;border-bottom:1px solid var(--line);background:var(--bg)}
header h1{margin:0;font-size:20px}
header .meta{color:var(--muted);font-size:13px}
header .lang{margin-left:auto}
main{padding:8px 24px 24px;max-width:1400px}
h2{font-size:17px;margin:22px 0 8px}
h3{font-size:14px;margin:16px 0 6px;color:var(--muted)}
a{color:var(--blue);text-decoration:none}
a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nowrap{white-space:nowrap}
table.counts,table.pipelines,table.events{table-layout:fixed}
table.pipelines td,table.events td,table.counts td{overflow-wrap:anywhere;overflow:hidden}
table.pipelines th:nth-child(1){width:8%}table.pipelines th:nth-child(2){width:17%}table.pipelines th:nth-child(3){width:7%}table.pipelines th:nth-child(4){width:11%}table.pipelines th:nth-child(5){width:7%}table.pipelines th:nth-child(6){width:9%}table.pipelines th:nth-child(7){width:20%}table.pipelines th:nth-child(8){width:10%}table.pipelines th:nth-child(9){width:11%}
table.events th:nth-child(1){width:13%}table.events th:nth-child(2){width:16%}table.events th:nth-child(3){width:12%}table.events th:nth-child(4){width:9%}table.events th:nth-child(5){width:40%}table.events th:nth-child(6){width:10%}
table.counts th:nth-child(1){width:30%}table.counts th:nth-child(2){width:11%}table.counts th:nth-child(3){width:9%}table.counts th:nth-child(4){width:22%}table.counts th:nth-child(5){width:16%}table.counts th:nth-child(6){width:12%}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:baseline}
.l-red .dot,.dot.l-red{background:var(--red)}
.l-yellow .dot,.dot.l-yellow{background:var(--yellow)}
.l-green .dot,.dot.l-green{background:var(--green)}
.l-grey .dot,.dot.l-grey,.l-none .dot{background:var(--grey)}
.badge{font-weight:600;overflow-wrap:normal}
.l-red{color:var(--red)}.l-yellow{color:var(--yellow)}.l-green{color:var(--green)}.l-grey,.l-none{color:var(--grey)}
.summary{display:flex;gap:14px;margin:6px 0 10px;font-weight:600}
.reasons{margin:0;padding-left:16px}
.muted{color:var(--muted)}
.strip{display:flex;gap:2px;max-width:160px}
.strip span{flex:1 1 0;min-width:4px;max-width:9px;height:14px;border-radius:2px;background:#eaeef2}
.strip .s-red{background:var(--red)}.strip .s-yellow{background:var(--yellow)}.strip .s-green{background:var(--green)}.strip .s-grey{background:var(--grey)}
nav.tabs{display:flex;gap:4px;border-bottom:1px solid var(--line);margin-bottom:8px}
nav.tabs a{padding:6px 12px;border:1px solid transparent;border-bottom:none;border-radius:6px 6px 0 0;color:var(--ink)}
nav.tabs a.active{border-color:var(--line);background:#fff;font-weight:600;margin-bottom:-1px}
form.range{display:flex;gap:10px;align-items:center;margin:8px 0;flex-wrap:wrap}
form.range input{font:inherit;padding:2px 4px}
.pager{display:flex;gap:6px;align-items:center;margin:8px 0;flex-wrap:wrap}
.pager .current{font-weight:700}
.notice{border:1px solid #d4a72c;background:#fff8c5;padding:8px 12px;border-radius:6px;margin:10px 0}
.alert{border:1px solid var(--red);background:#ffebe9;padding:8px 12px;border-radius:6px;margin:10px 0}
.filters{display:flex;gap:10px;flex-wrap:wrap;margin:4px 0}
.filters a.active{font-weight:700;color:var(--ink)}
.msg{max-width:560px;overflow-wrap:anywhere;white-space:pre-wrap}
footer{color:var(--muted);font-size:12px;padding:12px 24px;border-top:1px solid var(--line)}
.id{overflow-wrap:anywhere;display:inline-block;max-width:100%;overflow:hidden;vertical-align:top;isolation:isolate}
.bars .zero{stroke:var(--line);stroke-width:1}.bars rect.b{fill:var(--blue)}.bars .b-red,.bars .d-red{fill:var(--red)}.bars .b-yellow,.bars .d-yellow{fill:var(--yellow)}
.flags{font-size:12px}
@media (max-width:720px){
header{padding:12px}
header .lang{margin-left:0}
main{padding:8px 12px 16px}
table,tbody,tr,td{display:block;width:100%}
thead{display:none}
tr{border-bottom:1px solid var(--line);padding:8px 0}
td{border:none;padding:2px 0;white-space:normal}
td.num,td.nowrap{white-space:normal;text-align:left}
td[data-label]::before{content:attr(data-label) " ";color:var(--muted);font-size:12px;font-weight:400;margin-right:4px}
td.inl{display:inline-block;width:auto;margin-right:14px}
td.bare::before{content:none}
.strip{max-width:none}.strip span{max-width:16px}
table.counts{table-layout:auto}
.msg{max-width:none}
nav.tabs{flex-wrap:wrap}
.summary{flex-wrap:wrap}
}
`;

/** The status page's policy (nodes/logic/shared/html.ts): nothing but the stylesheet above. */
export const PAGE_CSP = pagePolicy(PAGE_CSS);

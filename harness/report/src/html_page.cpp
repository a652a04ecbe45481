#include "html_page.hpp"

#include "konform/util/text.hpp"

namespace konform::report::detail {

std::string esc(const std::string& s) {
    return util::xml_escape(util::visible(s));
}

std::string badge(const std::string& verdict) {
    return "<span class=\"v v-" + esc(verdict) + "\">" + esc(verdict) + "</span>";
}

const char* const page_style = R"CSS(
:root { --pass:#1a7f37; --fail:#cf222e; --error:#9a6700; --inconclusive:#8250df; --na:#6e7781; }
* { box-sizing: border-box; }
.charts svg { background: #fff; margin: 4px 8px 4px 0; }
.charts polyline { stroke-width: 1.5; }
.charts polyline.max { stroke: var(--fail); }
.charts polyline.mean { stroke: #0969da; }
.charts polyline.curve { stroke: #1f2328; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
main { max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
.cert { background: #fff; border: 3px double #1f2328; padding: 24px 32px; border-radius: 6px; }
.cert .verdict { font-size: 28px; font-weight: 700; letter-spacing: .04em; margin: 12px 0; text-transform: uppercase; }
.cert .verdict.conformant { color: var(--pass); } .cert .verdict.not-conformant { color: var(--fail); }
.cert .verdict.incomplete { color: var(--error); }
.cert dl { display: grid; grid-template-columns: 220px 1fr; gap: 4px 16px; margin: 0; }
.cert dt { color: #57606a; } .cert dd { margin: 0; word-break: break-all; }
.cert .how { margin-top: 14px; font-size: 13px; color: #57606a; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #eaeef2; }
.v { display: inline-block; padding: 0 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
.v-pass { background: var(--pass); } .v-fail { background: var(--fail); } .v-error { background: var(--error); }
.v-inconclusive { background: var(--inconclusive); } .v-advisory { background: #8c6d1f; } .v-inapplicable, .v-skipped { background: var(--na); }
.filters { margin: 8px 0; } .filters label { margin-right: 12px; }
.failure { background: #fff; border-left: 4px solid var(--fail); padding: 8px 12px; margin: 10px 0; }
.failure.error, .failure.inconclusive { border-color: var(--error); }
pre { white-space: pre-wrap; word-break: break-all; background: #f6f8fa; padding: 8px; margin: 4px 0; font-size: 12px; }
.ex { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.hidden { display: none; }
.story table { font-size: 13px; } .story tr.first-bad td { background: #ffebe9; font-weight: 600; }
@media print {
  body { background: #fff; } .filters, details, .noprint { display: none !important; }
  .cert { page-break-after: always; border-width: 4px; margin-top: 40px; }
  tr { page-break-inside: avoid; }
}
)CSS";

} // namespace konform::report::detail

// A paged query: the request once per page, the step's parameter counting up, until a page
// holds no rows. Every page's answer must pass the step's other assertions; its `rows`
// assertions judge all pages' rows together, holding only the compared fields of each.
#include "interpreter_state.hpp"
#include "konform/check/rows.hpp"
#include "konform/util/sha256.hpp"
#include "konform/util/text.hpp"
#include "rows_spec.hpp"

#include <set>

namespace konform::run::detail {

using nlohmann::json;

namespace {

// This page's records: the subject's value at the assertion's pointer, or why not.
std::optional<json> page_records(const model::assertion& a, check::response_view& view,
                                 const variables& vars, std::string& error) {
    const json* doc = view.as(a.what, error);
    try {
        if (doc && doc != &check::response_view::absent()) {
            json::json_pointer ptr(render(a.selector, vars));
            if (doc->contains(ptr)) return doc->at(ptr);
        }
    } catch (const std::exception& e) {
        error = std::string("the selector could not be built: ") + e.what();
    }
    if (error.empty()) error = "the page has no " + a.selector;
    return std::nullopt;
}

// Why a page ended its step: the assertion that did not hold, its verdict and outcome.
struct page_stop {
    std::size_t index;
    verdict v;
    check::outcome o;
};

using rows_comparisons = std::vector<std::optional<check::rows_comparison>>;

// Judges one page: its records join their `rows` comparisons (an empty page, or one that
// fills a comparison that failed already, ends the paging), and every other expectation
// must hold on every page. Nothing when the page passed.
std::optional<page_stop> judge_page(const model::exchange_step& ex, const variables& vars,
                                    check::response_view& view, const check::schema_set& schemas,
                                    rows_comparisons& rows, bool& ended, const std::string& page) {
    for (std::size_t i = 0; i < ex.expect.size(); ++i) {
        const model::assertion& a = ex.expect[i];
        if (rows[i]) {
            std::string error;
            std::optional<json> records = page_records(a, view, vars, error);
            if (!records)
                return page_stop{
                    i, verdict::fail, {false, "records on every page", "(none)", error + page}};
            if (records->is_array() && records->empty()) ended = true;
            rows[i]->add(*records);
            if (rows[i]->full()) ended = true; // it failed already: no more pages
            continue;
        }
        check::outcome o;
        try {
            model::assertion rendered = a;
            rendered.predicates = render_json(a.predicates, vars);
            if (a.what != model::subject::schema) rendered.selector = render(a.selector, vars);
            o = check::evaluate(rendered, view, schemas);
        } catch (const std::exception& e) {
            return page_stop{i,
                             verdict::error,
                             {false, a.predicates.dump(), "(not evaluated)",
                              std::string("the assertion could not be built: ") + e.what()}};
        }
        if (!o.passed) {
            o.explanation +=
                (o.explanation.empty() ? "" : " ") + std::string("(page ") + page.substr(2);
            return page_stop{i, verdict::fail, o};
        }
    }
    return std::nullopt;
}

} // namespace

namespace {

// An expectation's outcome when a paged step ends.
struct judged {
    verdict v;
    check::outcome o;
    unjudged why = unjudged::none;
};

// GraphQL cursor paging: the page's pageInfo says whether another page follows and from
// which cursor. A page without pageInfo, a cursor the system gave before (paging would never
// end) or one missing while hasNextPage is true ends the step, failing the rows expectation
// (or the first one) with what the system sent.
std::optional<page_stop> next_cursor(const model::exchange_step& ex, const model::paging& paging,
                                     check::response_view& view, std::optional<json>& cursor,
                                     std::set<std::string>& seen, bool& ended,
                                     const std::string& page) {
    std::size_t blame = 0;
    for (std::size_t i = 0; i < ex.expect.size(); ++i)
        if (has_rows(ex.expect[i].predicates)) {
            blame = i;
            break;
        }
    auto stop = [&](const std::string& why) {
        return page_stop{
            blame,
            verdict::fail,
            {false, "pageInfo at data" + paging.page_info, "(paging ended)", why + page}};
    };
    std::string error;
    const json* data = view.as(model::subject::data, error);
    const json::json_pointer ptr(paging.page_info);
    if (!data || data == &check::response_view::absent() || !data->contains(ptr) ||
        !data->at(ptr).is_object())
        return stop("the page has no pageInfo object at data" + paging.page_info);
    const json& info = data->at(ptr);
    if (!info.contains("hasNextPage") || !info["hasNextPage"].is_boolean())
        return stop("pageInfo has no boolean hasNextPage");
    if (!info["hasNextPage"].get<bool>()) {
        ended = true;
        return std::nullopt;
    }
    if (!info.contains("endCursor") || !info["endCursor"].is_string())
        return stop("hasNextPage is true, but pageInfo has no endCursor to go on from");
    const std::string next = info["endCursor"].get<std::string>();
    // Kept as digests: memory stays 64 bytes a page whatever the system makes its cursors.
    if (!seen.insert(util::sha256_hex(next)).second)
        return stop("the endCursor " + util::visible(next.substr(0, 80)) +
                    " came back: the pages would never end");
    cursor = next;
    return std::nullopt;
}

// Ended on a page by one expectation: it takes its outcome, the others are not reached.
std::vector<judged> stopped_on_page(std::size_t count, const page_stop& stop) {
    std::vector<judged> out;
    for (std::size_t i = 0; i < count; ++i)
        out.push_back(i == stop.index
                          ? judged{stop.v, stop.o}
                          : judged{not_reached_verdict(stop.v),
                                   {false, "", "", "not reached: page judged no further"},
                                   unjudged::not_reached});
    return out;
}

// Ended after the last page: each rows comparison over all pages (failed when the pages did
// not end within pages.max), every other expectation held on every page.
std::vector<judged> after_last_page(rows_comparisons& rows, bool ended, long long max) {
    std::vector<judged> out;
    for (auto& comparison : rows) {
        if (!comparison) {
            out.push_back({verdict::pass, {true, "", "every page", ""}});
            continue;
        }
        check::outcome o = comparison->finish();
        if (!ended) {
            o.passed = false;
            o.explanation = "no last page after " + std::to_string(max) +
                            " pages (no empty page, or hasNextPage still true): the query did "
                            "not end within the step's pages.max";
        }
        out.push_back({o.passed ? verdict::pass : verdict::fail, o});
    }
    return out;
}

// The rows comparisons, one per `rows` expectation, built before the first page.
rows_comparisons comparisons_of(const model::exchange_step& ex, const variables& vars,
                                const model::profile& prof) {
    rows_comparisons rows(ex.expect.size());
    for (std::size_t i = 0; i < ex.expect.size(); ++i)
        if (has_rows(ex.expect[i].predicates))
            rows[i].emplace(resolve_rows(render_json(ex.expect[i].predicates["rows"], vars), prof));
    return rows;
}

} // namespace

boost::asio::awaitable<void> interpreter::paged_step(const model::step& s,
                                                     const model::exchange_step& ex, state& st) {
    const model::paging& paging = *ex.pages;
    step_result sr = begin_step(s, st);
    auto conclude = [&](const std::vector<judged>& outcomes, const http::exchange* x) {
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            const judged& j = outcomes[i];
            assertion_result ar = assertion_of(ex.expect[i], st, sr, j.v, j.o.explanation, j.why);
            ar.expected = redact(j.o.expected);
            ar.actual = redact(j.o.actual);
            sr.v = worst(sr.v, ar.v);
            sr.assertions.push_back(std::move(ar));
        }
        end_step(std::move(sr), st, x);
    };
    // A GraphQL step pages by cursor (the last page's endCursor) or by an offset variable.
    const bool by_cursor = !paging.cursor.empty();
    std::optional<json> cursor; // none before the first page
    std::set<std::string> cursors_seen;
    auto page_of = [&](long long n) {
        if (by_cursor)
            return " (page " + std::to_string(n + 1) +
                   (cursor
                        ? ", " + paging.cursor + "=" + util::visible(cursor->dump().substr(0, 80))
                        : std::string()) +
                   ")";
        const std::string& name = paging.variable.empty() ? paging.param : paging.variable;
        return " (" + name + "=" + std::to_string(paging.from + n * paging.step) + ")";
    };
    rows_comparisons rows;
    try {
        rows = comparisons_of(ex, st.vars, prof_);
    } catch (const std::exception& e) {
        give_up(s, std::move(sr), st, verdict::error, unjudged::not_built,
                std::string("the assertion could not be built: ") + e.what(), nullptr);
        co_return;
    }
    std::optional<http::exchange> last;
    bool ended = false;
    for (long long n = 0; n < paging.max && !ended; ++n) {
        model::request_spec spec = ex.request;
        if (by_cursor) {
            if (cursor) spec.graphql->paging_variables.emplace_back(paging.cursor, *cursor);
        } else if (!paging.variable.empty()) {
            spec.graphql->paging_variables.emplace_back(paging.variable,
                                                        paging.from + n * paging.step);
        } else {
            spec.query.emplace_back(paging.param, std::to_string(paging.from + n));
        }
        auto prepared = prepare(spec, st);
        if (!prepared) {
            not_sent why = prepared.error();
            why.text += page_of(n);
            give_up(s, std::move(sr), st, why);
            co_return;
        }
        auto sent = co_await send(spec, std::move(*prepared), st);
        if (!sent) {
            give_up(s, std::move(sr), st, sent.error());
            co_return;
        }
        http::exchange x = std::move(*sent);
        note_reach(x, x.ok(), st);
        sr.exchange = record(x, st);
        sr.method = x.req.method;
        sr.url = redact(x.req.url);
        if (x.resp) sr.status = x.resp->status;
        sr.duration_ms += x.time.total;
        if (!x.ok()) {
            no_answer(s, std::move(sr), st, x, page_of(n));
            co_return;
        }
        check::response_view view(x, schemas_);
        if (auto stop = judge_page(ex, st.vars, view, schemas_, rows, ended, page_of(n))) {
            conclude(stopped_on_page(ex.expect.size(), *stop), &x);
            co_return;
        }
        if (by_cursor && !ended) {
            if (auto stop =
                    next_cursor(ex, paging, view, cursor, cursors_seen, ended, page_of(n))) {
                conclude(stopped_on_page(ex.expect.size(), *stop), &x);
                co_return;
            }
        }
        last = std::move(x);
    }
    conclude(after_last_page(rows, ended, paging.max), last ? &*last : nullptr);
}

} // namespace konform::run::detail

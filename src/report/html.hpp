// Pieces of report.html (internal to src/report). The page is XHTML-compatible
// markup (every element closed, void elements self-closed, only the five XML
// entities), so that an XML parser can check it as well as a browser shows it.
#pragma once

#include "report/report.hpp"

#include <string>

namespace popek::report::html {

// Text and attribute values with &, <, >, " and ' escaped.
std::string esc(const std::string& s);
// A fragment id from a name: letters, digits, '-', '_' and '.' kept, anything else '-'.
std::string anchor(const std::string& s);
// A coloured badge: class "ok", "bad", "unknown" or "info".
std::string badge(const std::string& cls, const std::string& text, const std::string& title = "");
// A horizontal bar with its figure: `a` of `b`.
std::string bar(size_t a, size_t b, const std::string& label);

// The flagged instructions, each with its witnesses as side-by-side states.
std::string flagged_section(const ModelReport& mr);
// The campaigns (figures, coverage bars, findings) and the efficiency.
std::string fuzz_section(const ModelReport& mr);
std::string efficiency_section(const check::ModelCheck& mc);

// The page's style sheet (inline: the page uses no outside resource).
extern const char* const kStyle;

} // namespace popek::report::html

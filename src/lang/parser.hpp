// Recursive-descent parser for model files (grammar in docs/model-language.md).
#pragma once

#include "lang/ast.hpp"

#include <string>

namespace popek::lang {

// Parses `source`; throws InputError (`file:line:col: message`) on bad syntax.
File parse(const std::string& path, const std::string& source);

} // namespace popek::lang

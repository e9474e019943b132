// Name resolution, static width checking and inlining: turns a parsed model
// file into the typed model::Model. Every rejection is an InputError with the
// `file:line:col` of the offending text.
#pragma once

#include "lang/ast.hpp"
#include "model/model.hpp"

#include <memory>

namespace popek::lang {

std::unique_ptr<model::Model> check(const File& file);

} // namespace popek::lang

// Loading a model: read, parse, check. The one entry point other code uses.
#pragma once

#include "model/model.hpp"

#include <memory>
#include <string>

namespace popek::lang {

struct LoadResult {
  std::shared_ptr<const model::Model> model; // null on error
  std::string error;                         // "file:line:col: message"
};

LoadResult load_model_file(const std::string& path);
LoadResult load_model_text(const std::string& path, const std::string& text);

} // namespace popek::lang

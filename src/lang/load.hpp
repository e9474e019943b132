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

// Where the model a user names lives. A name with a '/' or a .isa suffix is a
// path, taken relative to the folder `relative_to` ("" for the working
// directory); any other name is a bundled model, `models_dir`/NAME.isa.
struct ModelRef {
  std::string path;
  bool bundled = false;
};
ModelRef find_model(const std::string& name, const std::string& models_dir, const std::string& relative_to = "");
LoadResult load_model_text(const std::string& path, const std::string& text);

} // namespace popek::lang

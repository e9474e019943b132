#include "lang/load.hpp"

#include "lang/checker.hpp"
#include "lang/parser.hpp"
#include "util/files.hpp"

namespace popek::lang {

LoadResult load_model_text(const std::string& path, const std::string& text) {
  LoadResult r;
  try {
    File f = parse(path, text);
    r.model = check(f);
  } catch (const InputError& e) {
    r.error = e.what();
  }
  return r;
}

LoadResult load_model_file(const std::string& path) {
  std::string err;
  auto text = read_file(path, err);
  if (!text) return LoadResult{nullptr, err};
  return load_model_text(path, *text);
}

} // namespace popek::lang

#include "lang/load.hpp"

#include "lang/checker.hpp"
#include "lang/parser.hpp"
#include "util/files.hpp"

namespace popek::lang {

namespace {
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}
} // namespace

LoadResult load_model_text(const std::string& path, const std::string& text) {
  LoadResult r;
  try {
    File f = parse(path, text);
    auto m = check(f);
    m->source_hash = fnv1a(text);
    r.model = std::move(m);
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

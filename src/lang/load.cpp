#include "lang/load.hpp"

#include "lang/checker.hpp"
#include "lang/parser.hpp"
#include "util/files.hpp"

#include <filesystem>

namespace popek::lang {

namespace {

namespace fs = std::filesystem;

// Reads a model and, through `extends "BASE"` (its first declaration), the
// models it builds on: the base's declarations come first, then the
// extension's, which must name itself with its own `machine`.
class Loader {
public:
  File load(const std::string& path, const std::string& text) {
    File f = parse(path, text);
    if (f.decls.empty() || f.decls[0].kind != Decl::Extends) {
      for (const Decl& d : f.decls)
        if (d.overrides)
          throw InputError(d.loc, "'override insn " + d.name +
                                      "' replaces an instruction of the model this one extends, and it extends none");
      hash(text);
      return f;
    }
    const Decl& ext = f.decls[0];
    if (stack_.size() >= 16) throw InputError(ext.loc, "models extend each other more than 16 deep");
    fs::path base = fs::path(path).parent_path() / ext.text;
    std::error_code ec;
    std::string key = fs::weakly_canonical(base, ec).string();
    for (const std::string& s : stack_)
      if (s == key) throw InputError(ext.loc, "'" + ext.text + "' extends this model again: a cycle");
    std::string err;
    auto base_text = read_file(base.string(), err);
    if (!base_text) {
      // read_file says "PATH: reason"; name the file as the model wrote it.
      std::string reason = err.substr(std::min(err.size(), base.string().size() + 2));
      throw InputError(ext.loc, "cannot read '" + ext.text + "', the model it extends: " + reason);
    }
    stack_.push_back(key);
    File merged = load(base.string(), *base_text);
    stack_.pop_back();
    hash(text);
    bool named = false;
    for (size_t i = 1; i < f.decls.size(); ++i) named |= f.decls[i].kind == Decl::Machine;
    if (!named) throw InputError(ext.loc, "a model that extends another must name itself with 'machine'");
    std::erase_if(merged.decls, [](const Decl& d) { return d.kind == Decl::Machine; });
    for (size_t i = 1; i < f.decls.size(); ++i)
      if (f.decls[i].overrides)
        override_insn(merged, std::move(f.decls[i]));
      else
        merged.decls.push_back(std::move(f.decls[i]));
    merged.path = path;
    return merged;
  }
  uint64_t source_hash() const { return h_; }

private:
  std::vector<std::string> stack_;

  // `override insn NAME` takes the place of the base's NAME, so the
  // instruction keeps its position in the instruction order (and the
  // decoder's, the listing's and the prover's).
  static void override_insn(File& merged, Decl&& d) {
    for (Decl& o : merged.decls)
      if (o.kind == Decl::Insn && o.name == d.name) {
        if (o.overrides && o.loc.file == d.loc.file)
          throw InputError(d.loc,
                           "'" + d.name + "' is overridden twice (first at line " + std::to_string(o.loc.line) + ")");
        o = std::move(d);
        return;
      }
    throw InputError(d.loc,
                     "'override insn " + d.name + "': the model this one extends has no instruction '" + d.name + "'");
  }
  uint64_t h_ = 0xcbf29ce484222325ull; // FNV-1a over every file's text, base first
  void hash(const std::string& s) {
    for (unsigned char c : s) h_ = (h_ ^ c) * 0x100000001b3ull;
    h_ = (h_ ^ 0xff) * 0x100000001b3ull; // a separator between files
  }
};

} // namespace

LoadResult load_model_text(const std::string& path, const std::string& text) {
  LoadResult r;
  try {
    Loader loader;
    File f = loader.load(path, text);
    auto m = check(f);
    m->source_hash = loader.source_hash();
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

ModelRef find_model(const std::string& name, const std::string& models_dir, const std::string& relative_to) {
  if (name.find('/') != std::string::npos || fs::path(name).extension() == ".isa")
    return {relative_to.empty() ? name : (fs::path(relative_to) / name).lexically_normal().string(), false};
  return {(fs::path(models_dir) / (name + ".isa")).string(), true};
}

} // namespace popek::lang

#include "util/diag.hpp"

namespace popek {

std::string Loc::str() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

InputError::InputError(Loc loc, const std::string& message)
    : std::runtime_error(loc.str() + ": " + message), loc_(std::move(loc)), message_(message) {}

} // namespace popek

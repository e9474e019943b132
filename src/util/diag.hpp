// Source locations and diagnostics shared by every front end (model files,
// assembly programs, corpus cases): a bad input is always reported as
// `file:line:col: message`.
#pragma once

#include <stdexcept>
#include <string>

namespace popek {

struct Loc {
  std::string file;
  int line = 0;
  int col = 0;
  std::string str() const;
};

// Thrown by front ends and caught at their public entry points, which turn it
// into a returned error. Machine traps are never exceptions.
class InputError : public std::runtime_error {
public:
  InputError(Loc loc, const std::string& message);
  const Loc& loc() const { return loc_; }
  const std::string& message() const { return message_; }

private:
  Loc loc_;
  std::string message_;
};

} // namespace popek

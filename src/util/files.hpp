// Whole-file reading and atomic writing: findings and outputs are never left
// half-written (write to a temporary beside the target, then rename).
#pragma once

#include <optional>
#include <string>

namespace popek {

// Returns the file's contents, or nullopt with `error` set to a readable reason.
std::optional<std::string> read_file(const std::string& path, std::string& error);

// Writes `contents` to `path` atomically. Returns false with `error` set on failure.
bool write_file_atomic(const std::string& path, const std::string& contents, std::string& error);

} // namespace popek

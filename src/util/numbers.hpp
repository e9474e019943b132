// Numbers as users write them on command lines and in corpus cases: decimal,
// 0x hexadecimal or 0b binary, unsigned, 64 bits at most. A leading zero is
// not octal (010 is ten), unlike strtoull.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace popek {

// The value of `s`, or nullopt when it is not such a number or exceeds 64 bits.
std::optional<uint64_t> parse_number(std::string_view s);

} // namespace popek

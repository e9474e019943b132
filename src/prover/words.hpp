// Theorems 1 and 3 per instruction word (docs/theory.md §8). The paper's
// instructions are functions of the whole instruction word, operands
// included; popek's per-instruction queries quantify over every word of an
// instruction at once. An instruction is against a theorem only if one word
// of it (the same fetched bits) is both sensitive and not privileged: one
// existential query whose two executions are tied to the same fetched units.
// Its witness names the word; further queries name the operand values that
// give such words (FieldValues).
#pragma once

#include "prover/prover.hpp"

#include <memory>
#include <string>
#include <vector>

namespace popek::prover {

struct Options;
struct Row;

enum class Theorem { One, Three };
// The two readings of "privileged" with more than two modes (docs/theory.md
// §8): what the proof of Theorem 1 uses (the word traps in the least
// privileged mode, where a trap-and-emulate VMM runs every guest mode), and
// the paper's letter (traps in every less privileged mode, never in the most
// privileged one).
enum class Reading { Proof, Letter };
const char* theorem_name(Theorem t);    // "Theorem 1"
const char* reading_name(Reading r);    // "traps in the least privileged mode", "the literal reading"
Property privilege_property(Reading r); // TrapsLeast, Privileged

// What popek found of one operand field over the words against a theorem.
struct FieldValues {
  std::string field;
  unsigned width = 0;
  std::vector<uint64_t> values; // the values found, in the order found
  bool complete = false;        // asked: no other value gives such a word
};

// One instruction, one theorem, one reading, decided per word.
struct WordAnswer {
  int insn = -1;
  Theorem theorem = Theorem::One;
  Reading reading = Reading::Proof;
  Tri against = Tri::Unknown;      // some one word of it is sensitive and not privileged
  Finding sensitive;               // the witness word's sensitivity (its query and words)
  Finding unprivileged;            // the same word failing to be privileged
  std::string word;                // the witness word, as assembly
  std::vector<FieldValues> fields; // operand values that give such words (the proof's reading only)
  std::string why_unknown;         // when against is unknown
  unsigned queries = 0;
  double seconds = 0;
};

// Decides Theorems 1 and 3 under both readings for every instruction of `rows`
// (their per-instruction answers say which queries can have a witness at
// all), `o.jobs` instructions at a time.
std::vector<WordAnswer> decide_words(std::shared_ptr<const model::Model> m, const std::vector<Row>& rows,
                                     const Options& o);

// The words against, named by their operand constraints: "`csrrw` with csr ∈
// {0x100, 0x105}, any rd, any rs1" (or the witness word alone).
std::string describe_words(const model::Model& m, const WordAnswer& w);
// The same, only what is settled, for expectations: the instruction and each
// field whose values are all known and not every value, sorted:
// "csrrw[csr=0x100,0x105]", or "cli".
std::string settled_words(const model::Model& m, const WordAnswer& w);

} // namespace popek::prover

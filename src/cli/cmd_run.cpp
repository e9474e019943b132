// popek run MODEL PROGRAM: runs a program on the bare-metal reference machine.
#include "asm/disassembler.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/state_print.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>

namespace popek::cli {

namespace {
struct RunOptions {
  std::string model, program;
  bool trace = false, json = false;
  uint64_t max_steps = 10'000'000;
};

std::string insn_text(const model::Model& m, const machine::Outcome& o) {
  if (o.insn >= 0) return assembler::format_insn(m, o.insn, o.raw);
  if (o.stage == machine::Outcome::Fetch) return "(fetch)";
  return fmt::format("(undefined {})", model::bits_to_hex(o.raw, m.fetch_unit));
}

int run_run(const RunOptions& o) {
  auto mp = load_model_arg(o.model);
  if (!mp) return kBadInput;
  const model::Model& m = *mp;
  auto img = load_program(m, o.program);
  if (!img) return kBadInput;
  machine::Machine mc(mp);
  load_image(mc, *img);

  const int pcw = static_cast<int>((m.pc().width + 3) / 4);
  nlohmann::json trace = nlohmann::json::array();
  uint64_t steps = 0;
  machine::Outcome last;
  bool halted = false;
  while (steps < o.max_steps) {
    uint64_t pc = mc.pc();
    std::string mode = o.trace ? reg_value(m, m.mode_reg, mc.mode()) : "";
    last = mc.step();
    ++steps;
    if (o.trace) {
      std::string what = describe_outcome(m, last);
      if (o.json) {
        nlohmann::json t{
            {"step", steps}, {"pc", pc}, {"mode", mode}, {"insn", insn_text(m, last)}, {"changes", changes_json(mc)}};
        if (!what.empty()) t["event"] = what;
        trace.push_back(t);
      } else {
        fmt::print("{:>7}  {:0{}x}  {:<11} {:<28} {}{}\n", steps, pc, pcw, mode, insn_text(m, last),
                   what.empty() ? "" : "[" + what + "]  ", describe_changes(mc));
      }
    }
    if (last.kind == machine::Outcome::Halted) {
      halted = true;
      break;
    }
  }

  // What the program computed: every memory unit that differs from the loaded image.
  nlohmann::json mem_changes = nlohmann::json::array();
  std::string mem_text;
  for (unsigned mi = 0; mi < m.mems.size(); ++mi) {
    const model::Memory& mem = m.mems[mi];
    for (uint64_t a = 0; a < mem.size; ++a) {
      uint64_t before = 0;
      if (mi == m.code_mem) {
        auto it = img->units.find(a);
        if (it != img->units.end()) before = it->second;
      }
      uint64_t now = mc.mem(mi, a);
      if (now == before) continue;
      nlohmann::json c{{"memory", mem.name}, {"addr", a}, {"before", before}, {"after", now}};
      std::string label;
      auto l = mi == m.code_mem ? img->labels.find(a) : img->labels.end();
      if (l != img->labels.end()) {
        c["label"] = l->second;
        label = l->second;
      }
      mem_changes.push_back(c);
      mem_text += fmt::format("  {:<10} {:<10} = 0x{:0{}x}  ({}; was 0x{:0{}x})\n", fmt::format("{}[{}]", mem.name, a),
                              label, now, (mem.unit + 3) / 4, now, before, (mem.unit + 3) / 4);
    }
  }

  if (o.json) {
    nlohmann::json j{{"model", m.name},
                     {"program", o.program},
                     {"halted", halted},
                     {"steps", steps},
                     {"registers", registers_json(mc)},
                     {"memory_changes", mem_changes}};
    if (o.trace) j["trace"] = trace;
    std::cout << j.dump(2) << "\n";
  } else {
    if (halted) fmt::print("halted after {} steps at {}={:0{}x}\n", steps, m.pc().name, mc.pc(), pcw);
    fmt::print("registers:\n{}", describe_registers(mc));
    fmt::print("memory changed by the program:\n{}", mem_text.empty() ? "  (none)\n" : mem_text);
  }
  if (!halted) {
    std::cerr << fmt::format("popek: stopped after {} steps without halting (raise --max-steps, or "
                             "look for a loop with --trace)\n",
                             steps);
    return kNotHalted;
  }
  return kOk;
}
} // namespace

void setup_run(CLI::App& app, int& rc) {
  auto o = std::make_shared<RunOptions>();
  auto* sub = app.add_subcommand("run", "Run a program on the bare-metal reference machine");
  sub->add_option("MODEL", o->model, "Bundled model name or path of a .isa file")->required();
  sub->add_option("PROGRAM", o->program, "Assembly source, or a memory image (.img, or - for stdin)")->required();
  sub->add_flag("--trace", o->trace, "One line per instruction: address, mode, disassembly, changed state");
  sub->add_option("--max-steps", o->max_steps, "Stop after this many instructions (default 10000000)")
      ->check(CLI::PositiveNumber);
  sub->add_flag("--json", o->json, "Print the result (and the trace) as JSON");
  sub->callback([o, &rc] { rc = run_run(*o); });
}

} // namespace popek::cli

#include "prover/query.hpp"

namespace popek::prover {

const char* property_name(Property p) {
  switch (p) {
  case Property::Privileged: return "privileged";
  case Property::TrapsLeast: return "traps in the least privileged mode";
  case Property::Control: return "control sensitive";
  case Property::Mode: return "mode sensitive";
  case Property::Location: return "location sensitive";
  case Property::Register: return "register sensitive";
  case Property::Equivalence: return "equivalence";
  case Property::ResourceControl: return "resource control";
  case Property::VmmStep: return "vmm step";
  }
  return "?";
}

const char* where_name(Where w) {
  switch (w) {
  case Where::Any: return "";
  case Where::User: return "user";
  case Where::Supervisor: return "supervisor";
  }
  return "?";
}

std::vector<Unit> system_units(const model::Model& m) {
  std::vector<Unit> out;
  for (const model::Register& r : m.regs) {
    if (r.kind == model::RegKind::Mode || r.system_bits() == 0) continue;
    for (unsigned i = 0; i < r.count; ++i) {
      std::string reg = r.file ? r.name + "[" + std::to_string(i) + "]" : r.name;
      bool any_field = false;
      for (const model::RegField& f : r.fields) {
        uint64_t bits = model::width_mask(f.hi - f.lo + 1) << f.lo;
        if ((r.system_bits() & bits) != bits) continue;
        out.push_back({r.slot + i, f.hi, f.lo, reg + "." + f.name});
        any_field = true;
      }
      if (!any_field) out.push_back({r.slot + i, r.width - 1, 0, reg});
    }
  }
  return out;
}

std::string Query::name(const model::Model& m) const {
  std::string n = property_name(property);
  if (property == Property::Register && unit >= 0) n += " to " + system_units(m)[static_cast<size_t>(unit)].name;
  if (property == Property::Register && unit < 0) n += " to any of " + std::to_string(any_of.size()) + " units";
  if (property == Property::VmmStep) n += std::string(" (") + vmm::strategy_name(strategy) + ")";
  if (where != Where::Any) n += std::string(" (") + where_name(where) + ")";
  return n;
}

} // namespace popek::prover

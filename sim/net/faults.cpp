#include "hbsim/net/faults.hpp"

namespace hbsim {

std::vector<std::vector<process_id>> partition_fault::applied_groups() const {
  std::vector<std::vector<process_id>> out;
  for (process_id q = 0; q < group_of.size(); ++q) {
    if (group_of[q] >= out.size()) out.resize(group_of[q] + std::size_t{1});
    out[group_of[q]].push_back(q);
  }
  std::erase_if(out, [](const std::vector<process_id>& g) { return g.empty(); });
  return out;
}

std::vector<link_block> link_blocks(const std::vector<fault>& faults, std::size_t n) {
  std::vector<link_block> blocks;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const fault& f = faults[i];
    link_block b;
    b.fault = i;
    b.at = f.at;
    if (const auto* p = std::get_if<partition_fault>(&f.what)) {
      b.heal = p->heal;
      b.mode = p->mode;
      b.group_of = p->group_of;
    } else if (const auto* cut = std::get_if<cut_fault>(&f.what)) {
      b.heal = cut->heal;
      b.mode = cut->mode;
      b.from.assign(n, false);
      b.to.assign(n, false);
      for (process_id a : cut->from) b.from[a] = true;
      for (process_id c : cut->to) b.to[c] = true;
    } else {
      continue;
    }
    blocks.push_back(std::move(b));
  }
  return blocks;
}

}  // namespace hbsim

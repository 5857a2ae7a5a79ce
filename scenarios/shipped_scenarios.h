// The scenarios shipped in scenarios/*.json, built into the binary so that
// `gogcsim run NAME` works from any directory. The definition is generated
// at build time by scenarios/embed_scenarios.sh (a genrule in BUILD.bazel).
#ifndef GOGCSIM_SCENARIOS_SHIPPED_SCENARIOS_H_
#define GOGCSIM_SCENARIOS_SHIPPED_SCENARIOS_H_

#include <span>
#include <string_view>

namespace gogcsim::scenarios {

struct ShippedScenario {
  std::string_view name;  // the file's name without .json
  std::string_view json;  // the file's bytes
};

// Every shipped scenario, sorted by name.
std::span<const ShippedScenario> ShippedScenarios();

}  // namespace gogcsim::scenarios

#endif  // GOGCSIM_SCENARIOS_SHIPPED_SCENARIOS_H_

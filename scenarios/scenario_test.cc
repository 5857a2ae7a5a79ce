// Scenario files: every field read, defaults, the shipped files built into
// the binary, and errors that name the file, the JSON path and the problem.
#include "scenarios/scenario.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "scenarios/shipped_scenarios.h"
#include "traces/test_util.h"

namespace gogcsim::scenarios {
namespace {

using traces::HasSubstr;
using traces::TmpPath;

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = TmpPath(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The error ParseScenario gives for text, as "f.json: ..." text.
std::string ErrorOf(const std::string& text) {
  auto cfg = ParseScenario(text, "dir/f.json");
  EXPECT_FALSE(cfg.ok()) << text;
  if (cfg.ok()) return "";
  EXPECT_EQ(cfg.status().code(), absl::StatusCode::kInvalidArgument) << cfg.status();
  return std::string(cfg.status().message());
}

TEST(ParseScenario, EmptyObjectGivesTheDefaults) {
  auto cfg = ParseScenario("{}", "somewhere/my-run.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  const RunConfig d;
  EXPECT_EQ(cfg->name, "my-run");  // the file's stem
  EXPECT_EQ(cfg->seed, d.seed);
  EXPECT_EQ(cfg->gomaxprocs, 1);
  EXPECT_EQ(cfg->gogc, 100);
  EXPECT_EQ(cfg->costs.scan_ns_per_byte, d.costs.scan_ns_per_byte);
  EXPECT_EQ(cfg->pacer.triggerGain, 0.5);  // Go 1.10.2's
  ASSERT_EQ(cfg->workload.groups.size(), 1u);
  const MutatorGroup& g = cfg->workload.groups[0];
  EXPECT_EQ(g.count, 0);
  EXPECT_TRUE(g.kinds.empty());  // DefaultKinds() at run time
  EXPECT_EQ(g.records, 400000u);
  EXPECT_EQ(g.lifetime.kind, Lifetime::Kind::kLiveSet);
  EXPECT_EQ(g.lifetime.live_set, 20000u);
  EXPECT_EQ(g.think_ns, 500);
  EXPECT_EQ(cfg->workload.globals_bytes, 65536u);
}

TEST(ParseScenario, ReadsEveryTopLevelCostAndPacerField) {
  auto cfg = ParseScenario(R"({
    "name": "x", "description": "d", "seed": 18446744073709551615, "gomaxprocs": 8, "ncpu": 2,
    "gogc": 250,
    "cost_model": {"malloc_ns": 1, "malloc_ns_per_byte": 0.5, "refill_ns": 2, "scan_ns_per_byte": 0.25,
                   "grey_ns": 3, "root_job_ns": 4, "stack_scan_ns_per_byte": 0.125, "sweep_span_ns": 5,
                   "sweep_ns_per_object": 6, "schedule_ns": 7, "stw_ns": 8, "stw_ns_per_p": 9,
                   "mark_term_ns": 10, "mark_term_ns_per_p": 11, "gc_step_ns": 12},
    "pacer": {"triggerGain": 0.75, "gcGoalUtilization": 0.5, "gcBackgroundUtilization": 0.375,
              "maxOvershoot": 1.25, "maxUtilError": 0.125, "maxTriggerRatioPerGOGC": 0.875,
              "defaultHeapMinimum": 1e6, "sweepMinHeapDistance": 2048}
  })",
                           "t.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->name, "x");
  EXPECT_EQ(cfg->description, "d");
  EXPECT_EQ(cfg->seed, UINT64_MAX);
  EXPECT_EQ(cfg->gomaxprocs, 8);
  EXPECT_EQ(cfg->ncpu, 2);
  EXPECT_EQ(cfg->gogc, 250);
  const model::CostModel& c = cfg->costs;
  EXPECT_EQ(c.malloc_ns, 1);
  EXPECT_EQ(c.malloc_ns_per_byte, 0.5);
  EXPECT_EQ(c.refill_ns, 2);
  EXPECT_EQ(c.scan_ns_per_byte, 0.25);
  EXPECT_EQ(c.grey_ns, 3);
  EXPECT_EQ(c.root_job_ns, 4);
  EXPECT_EQ(c.stack_scan_ns_per_byte, 0.125);
  EXPECT_EQ(c.sweep_span_ns, 5);
  EXPECT_EQ(c.sweep_ns_per_object, 6);
  EXPECT_EQ(c.schedule_ns, 7);
  EXPECT_EQ(c.stw_ns, 8);
  EXPECT_EQ(c.stw_ns_per_p, 9);
  EXPECT_EQ(c.mark_term_ns, 10);
  EXPECT_EQ(c.mark_term_ns_per_p, 11);
  EXPECT_EQ(c.gc_step_ns, 12);
  const model::PacerParams& p = cfg->pacer;
  EXPECT_EQ(p.triggerGain, 0.75);
  EXPECT_EQ(p.gcGoalUtilization, 0.5);
  EXPECT_EQ(p.gcBackgroundUtilization, 0.375);
  EXPECT_EQ(p.maxOvershoot, 1.25);
  EXPECT_EQ(p.maxUtilError, 0.125);
  EXPECT_EQ(p.maxTriggerRatioPerGOGC, 0.875);
  EXPECT_EQ(p.defaultHeapMinimum, 1000000u);  // 1e6: an integral float counts as an integer
  EXPECT_EQ(p.sweepMinHeapDistance, 2048u);
}

TEST(ParseScenario, GogcOffIsMinusOne) {
  auto cfg = ParseScenario(R"({"gogc": "off"})", "t.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->gogc, -1);
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"gogc": "on"})"), "dir/f.json: /gogc: expected an integer or \"off\""));
}

TEST(ParseScenario, ReadsGroupsKindsSizesLifetimesBlockingAndPhases) {
  auto cfg = ParseScenario(R"({"workload": {"synthetic": {"globals_bytes": 0, "groups": [
    {"count": 3, "think_ns": 250, "jitter": 0.25, "records": 1000, "duration_ns": 5e8,
     "block": {"every": 10, "mean_ns": 20000},
     "lifetime": {"exponential_ns": 1e6},
     "kinds": [{"size": {"fixed": 24}, "pointer_fraction": 0.5, "child": {"table": [[8, 1], [4096, 3]]}, "weight": 2},
               {"size": {"lognormal": {"mu": 10, "sigma": 0.5, "min": 100, "max": 200000}}, "ptrdata": 0}]},
    {"lifetime": {"live_set": 7},
     "phases": [{"kind": "ramp", "records": 100, "rate_from": 1, "rate_to": 2, "live_from": 1, "live_to": 3},
                {"kind": "step", "duration_ns": 1000, "at": 0.75, "live_to": 0.5},
                {"kind": "oscillation", "records": 400, "rate": 2, "rate_amplitude": 0.5, "live_amplitude": 0.25},
                {"duration_ns": 10, "live": 2}]}
  ]}}})",
                           "t.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  const Workload& w = cfg->workload;
  EXPECT_EQ(w.globals_bytes, 0u);
  ASSERT_EQ(w.groups.size(), 2u);
  const MutatorGroup& a = w.groups[0];
  EXPECT_EQ(a.count, 3);
  EXPECT_EQ(a.think_ns, 250);
  EXPECT_EQ(a.jitter, 0.25);
  EXPECT_EQ(a.records, 1000u);
  EXPECT_EQ(a.duration_ns, 500'000'000);
  EXPECT_EQ(a.block_every, 10u);
  EXPECT_EQ(a.block_ns, 20000);
  EXPECT_EQ(a.lifetime.kind, Lifetime::Kind::kExponentialNs);
  EXPECT_EQ(a.lifetime.mean, 1e6);
  ASSERT_EQ(a.kinds.size(), 2u);
  EXPECT_EQ(a.kinds[0].size.fixed, 24u);
  EXPECT_EQ(a.kinds[0].pointer_fraction, 0.5);
  EXPECT_EQ(a.kinds[0].child.kind, SizeDist::Kind::kTable);
  EXPECT_EQ(a.kinds[0].child.table, (std::vector<std::pair<uint64_t, double>>{{8, 1}, {4096, 3}}));
  EXPECT_EQ(a.kinds[0].weight, 2);
  EXPECT_EQ(a.kinds[1].size.kind, SizeDist::Kind::kLogNormal);
  EXPECT_EQ(a.kinds[1].size.mu, 10);
  EXPECT_EQ(a.kinds[1].size.sigma, 0.5);
  EXPECT_EQ(a.kinds[1].size.min, 100u);
  EXPECT_EQ(a.kinds[1].size.max, 200000u);
  EXPECT_EQ(a.kinds[1].ptrdata, 0u);
  EXPECT_FALSE(a.kinds[1].has_child());
  EXPECT_EQ(a.kinds[1].weight, 1);
  const MutatorGroup& b = w.groups[1];
  EXPECT_EQ(b.count, 0);
  EXPECT_EQ(b.records, 0u);  // with phases: until the last phase ends
  EXPECT_EQ(b.lifetime.live_set, 7u);
  ASSERT_EQ(b.phases.size(), 4u);
  EXPECT_EQ(b.phases[0].kind, Phase::Kind::kRamp);
  EXPECT_EQ(b.phases[0].records, 100u);
  EXPECT_EQ(b.phases[0].rate_to, 2);
  EXPECT_EQ(b.phases[0].live_to, 3);
  EXPECT_EQ(b.phases[1].kind, Phase::Kind::kStep);
  EXPECT_EQ(b.phases[1].duration_ns, 1000);
  EXPECT_EQ(b.phases[1].at, 0.75);
  EXPECT_EQ(b.phases[1].live_from, 1);
  EXPECT_EQ(b.phases[1].live_to, 0.5);
  EXPECT_EQ(b.phases[2].kind, Phase::Kind::kOscillation);
  EXPECT_EQ(b.phases[2].rate_from, 2);
  EXPECT_EQ(b.phases[2].rate_amplitude, 0.5);
  EXPECT_EQ(b.phases[2].live_amplitude, 0.25);
  EXPECT_EQ(b.phases[2].period, 100);  // default: a quarter of the phase's 400 records
  EXPECT_EQ(b.phases[3].kind, Phase::Kind::kSteady);
  EXPECT_EQ(b.phases[3].live_from, 2);
}

TEST(ParseScenario, TraceWorkloadKeepsThePathAndLoadingResolvesIt) {
  auto cfg = ParseScenario(R"({"workload": {"trace": "runs/a.trace"}})", "t.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->workload.trace, "runs/a.trace");
  const std::string path = WriteTemp("traced.json", R"({"workload": {"trace": "a.trace"}})");
  auto loaded = LoadScenarioFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->workload.trace, TmpPath("a.trace"));  // beside the scenario file
}

TEST(ScenarioErrors, UnknownKeysListWhatIsAllowed) {
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"gomaxproc": 2})"), "dir/f.json: /gomaxproc: unknown key \"gomaxproc\" (allowed: name, description, seed, "
                        "gomaxprocs, ncpu, gogc, cost_model, pacer, workload)"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"size": 8}, {"sise": 8}]}}}})"), "dir/f.json: /workload/synthetic/mutator/kinds/1/sise: unknown key \"sise\" (allowed: "
                        "size, ptrdata, pointer_fraction, child, weight)"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"pacer": {"trigger_gain": 0.5}})"), "/pacer/trigger_gain: unknown key"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"cost_model": {"scan_ns": 1}})"), "/cost_model/scan_ns: unknown key"));
  // A ramp's parameters are rate_from/rate_to, not rate.
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"phases": [{"kind": "ramp", "rate": 2}]}}}})"), "/workload/synthetic/mutator/phases/0/rate: unknown key \"rate\" (allowed: kind, records, "
                        "duration_ns, rate_from, rate_to, live_from, live_to)"));
  // count belongs to a groups entry; JSON pointer escaping of "/".
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"count": 2}}}})"), "/workload/synthetic/mutator/count: unknown key"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"a/b~c": 1})"), "dir/f.json: /a~1b~0c: unknown key \"a/b~c\""));
}

TEST(ScenarioErrors, WrongTypes) {
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"seed": "1"})"), "dir/f.json: /seed: expected a non-negative integer, got string \"1\""));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"name": 5})"), "dir/f.json: /name: expected a string, got 5"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"pacer": []})"), "dir/f.json: /pacer: expected an object, got an array"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"pacer": {"triggerGain": true}})"), "/pacer/triggerGain: expected a number, got true"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"records": 2.5}}}})"), "/workload/synthetic/mutator/records: expected an integer, got 2.5"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"size": "big"}]}}}})"), "/workload/synthetic/mutator/kinds/0/size: expected a size in bytes or an object with one "
                        "of fixed, table, lognormal, got string \"big\""));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"size": {"table": [[8, 1], [16]]}}]}}}})"), "/workload/synthetic/mutator/kinds/0/size/table/1: expected a [size, weight] pair"));
  EXPECT_TRUE(HasSubstr(ErrorOf("[]"), "dir/f.json: /: expected an object, got an array"));
}

TEST(ScenarioErrors, OutOfRange) {
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"gomaxprocs": 0})"), "dir/f.json: /gomaxprocs: must be an integer in [1, 256], got 0"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"ncpu": -1})"), "dir/f.json: /ncpu: must be an integer in [0, 256], got -1"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"seed": -1})"), "/seed: must be an integer in [0, 18446744073709551615], got -1"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"pacer": {"gcGoalUtilization": 1.5}})"), "/pacer/gcGoalUtilization: must be in (0, 1], got 1.5"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"cost_model": {"gc_step_ns": 0}})"), "/cost_model/gc_step_ns: must be an integer in [1, "));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"jitter": 1}}}})"), "/workload/synthetic/mutator/jitter: must be below 1"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"think_ns": 0}}}})"), "/workload/synthetic/mutator/think_ns: must be in (0, "));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"size": 48, "ptrdata": 56}]}}}})"), "/workload/synthetic/mutator/kinds/0/ptrdata: must be at most the size (48), got 56"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"size": 48, "ptrdata": 12}]}}}})"), "/kinds/0/ptrdata: must be a multiple of 8 (whole pointer words), got 12"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"weight": 0}]}}}})"), "/workload/synthetic/mutator/kinds: the weights must not all be 0"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [
                {"size": {"lognormal": {"min": 100, "max": 50}}}]}}}})"), "/kinds/0/size/lognormal/max: must be at least min (100), got 50"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"lifetime": {"live_set": 20000},
                "phases": [{"kind": "steady", "live": 1000}]}}}})"), "/workload/synthetic/mutator/phases: the phases ask for a live set of 2e+07 records"));
}

TEST(ScenarioErrors, ContradictionsAndChoices) {
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"trace": "a", "synthetic": {}}})"), "dir/f.json: /workload: expected exactly one of trace, synthetic, got 2"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"goroutines": 4, "groups": [{}]}}})"), "/workload/synthetic/goroutines: with groups, give each group its own count instead"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {}, "groups": [{}]}}})"), "/workload/synthetic/groups: give mutator (one group) or groups, not both"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"lifetime": {"live_set": 5, "fixed_ns": 9}}}}})"), "/workload/synthetic/mutator/lifetime: expected exactly one of live_set, "
                        "exponential_records, exponential_ns, fixed_ns, got 2"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"ptrdata": 0, "child": 64}]}}}})"), "/mutator/kinds/0/child: a child needs a parent that holds pointers"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"ptrdata": 8, "pointer_fraction": 1}]}}}})"), "/mutator/kinds/0/pointer_fraction: give ptrdata or pointer_fraction, not both"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"phases": [{"kind": "sawtooth"}]}}}})"), "/mutator/phases/0/kind: unknown phase kind \"sawtooth\" (allowed: steady, ramp, step, "
                        "oscillation)"));
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"phases": [{"records": 5, "duration_ns": 5}]}}}})"), "/mutator/phases/0/duration_ns: give records or duration_ns, not both"));
}

TEST(ScenarioErrors, DuplicateKeysAreNamed) {
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"think_ns": 5, "think_ns": 6}}}})"), "dir/f.json: /workload/synthetic/mutator/think_ns: duplicate key"));
  // Inside an array: the second kind (index 1).
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"kinds": [{"size": 8}, {"size": 8, "size": 9}]}}}})"), "dir/f.json: /workload/synthetic/mutator/kinds/1/size: duplicate key"));
}

TEST(ScenarioErrors, MalformedJsonGivesLineAndColumn) {
  // The missing comma: the parser stops at the last byte of the unexpected
  // token, "gogc" in columns 3 to 8 of line 3.
  const std::string err = ErrorOf("{\n  \"seed\": 1\n  \"gogc\": 2\n}\n");
  EXPECT_TRUE(HasSubstr(err, "dir/f.json:3:8: malformed JSON: syntax error while parsing object - unexpected "
                             "string literal; expected '}'"));
  // A bad literal: "tru" in columns 11 to 13 of line 2, seen to be bad at
  // the comma in column 14.
  EXPECT_TRUE(HasSubstr(ErrorOf("{\n  \"seed\": tru,\n}"), "dir/f.json:2:14: malformed JSON:"));
  EXPECT_EQ(err.find("json.exception"), std::string::npos) << err;
  EXPECT_TRUE(HasSubstr(ErrorOf(""), "dir/f.json:1:1: malformed JSON:"));
  // A number beyond a double (nlohmann's out_of_range, which aborted with
  // exit 134): named at its first digit.
  EXPECT_EQ(ErrorOf(R"({"seed": 1e999})"), "dir/f.json:1:10: malformed JSON: number overflow parsing '1e999'");
}

// Rates below 0.001 made a record take days of virtual time (1e-12: a run
// that never ended; 1e-20: a clock overflow that reported 0 s).
TEST(ScenarioErrors, PhaseRatesHaveAFloor) {
  for (const char* rate : {"1e-12", "1e-20", "0.0009"}) {
    EXPECT_TRUE(HasSubstr(ErrorOf(std::string(R"({"workload": {"synthetic": {"mutator": {"phases": [{"rate": )") + rate +
                                  "}]}}}}"),
                          "/workload/synthetic/mutator/phases/0/rate: must be in [0.001, 1e+06], got "))
        << rate;
  }
  EXPECT_TRUE(HasSubstr(ErrorOf(R"({"workload": {"synthetic": {"mutator": {"phases": [{"kind": "ramp", "rate_to": 1e-9}]}}}})"),
                        "/phases/0/rate_to: must be in [0.001, "));
  EXPECT_TRUE(ParseScenario(R"({"workload": {"synthetic": {"mutator": {"phases": [{"rate": 0.001}]}}}})", "f.json").ok());
}

// /dev/zero never ends: the read stops at the cap (it ran until bad_alloc).
TEST(LoadScenario, EndlessFileStopsAtTheCap) {
  auto cfg = LoadScenarioFile("/dev/zero");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.status().message(), "/dev/zero: larger than 16777216 bytes");
}

TEST(LoadScenario, FilesNamesAndMissingFiles) {
  const std::string bad = WriteTemp("bad.json", R"({"workload": {"synthetic": {"mutator": {"kinds": [{"size": -3}]}}}})");
  auto cfg = LoadScenarioFile(bad);
  ASSERT_FALSE(cfg.ok());
  EXPECT_TRUE(HasSubstr(std::string(cfg.status().message()), bad + ": /workload/synthetic/mutator/kinds/0/size: must be an integer in [1, 1073741824], got -3"));

  auto missing = LoadScenario(TmpPath("no-such-file.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasSubstr(std::string(missing.status().message()), "no-such-file.json: cannot open"));

  // A bare name is a shipped scenario; anything with ".json" or "/" a file.
  auto unknown = LoadScenario("no-such-scenario");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(HasSubstr(std::string(unknown.status().message()), "unknown scenario \"no-such-scenario\" (shipped: "));
  EXPECT_TRUE(HasSubstr(std::string(LoadScenario("steady.json").status().message()), "steady.json: cannot open"));
  const std::string good = WriteTemp("good", R"({"gogc": 50})");
  auto by_path = LoadScenario(good);
  ASSERT_TRUE(by_path.ok()) << by_path.status();
  EXPECT_EQ(by_path->gogc, 50);
  EXPECT_EQ(by_path->name, "good");
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(ParseScenario, TheReadmeExampleIsValid) {
  // The first ```json block of README.md's "Scenario format" section.
  const std::string readme = ReadFile("README.md");
  const size_t section = readme.find("## Scenario format");
  ASSERT_NE(section, std::string::npos);
  const size_t begin = readme.find("```json\n", section);
  ASSERT_NE(begin, std::string::npos);
  const size_t end = readme.find("```", begin + 8);
  auto cfg = ParseScenario(readme.substr(begin + 8, end - begin - 8), "README.md");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->name, "web-server");
  ASSERT_EQ(cfg->workload.groups.size(), 2u);
  EXPECT_EQ(cfg->workload.groups[0].count, 32);
  EXPECT_EQ(cfg->workload.groups[1].phases.size(), 4u);
  // It says cost_model and pacer hold the defaults.
  const RunConfig d;
  EXPECT_EQ(cfg->costs.malloc_ns, d.costs.malloc_ns);
  EXPECT_EQ(cfg->costs.malloc_ns_per_byte, d.costs.malloc_ns_per_byte);
  EXPECT_EQ(cfg->costs.refill_ns, d.costs.refill_ns);
  EXPECT_EQ(cfg->costs.scan_ns_per_byte, d.costs.scan_ns_per_byte);
  EXPECT_EQ(cfg->costs.grey_ns, d.costs.grey_ns);
  EXPECT_EQ(cfg->costs.root_job_ns, d.costs.root_job_ns);
  EXPECT_EQ(cfg->costs.stack_scan_ns_per_byte, d.costs.stack_scan_ns_per_byte);
  EXPECT_EQ(cfg->costs.sweep_span_ns, d.costs.sweep_span_ns);
  EXPECT_EQ(cfg->costs.sweep_ns_per_object, d.costs.sweep_ns_per_object);
  EXPECT_EQ(cfg->costs.schedule_ns, d.costs.schedule_ns);
  EXPECT_EQ(cfg->costs.stw_ns, d.costs.stw_ns);
  EXPECT_EQ(cfg->costs.stw_ns_per_p, d.costs.stw_ns_per_p);
  EXPECT_EQ(cfg->costs.mark_term_ns, d.costs.mark_term_ns);
  EXPECT_EQ(cfg->costs.mark_term_ns_per_p, d.costs.mark_term_ns_per_p);
  EXPECT_EQ(cfg->costs.gc_step_ns, d.costs.gc_step_ns);
  EXPECT_EQ(cfg->pacer.triggerGain, d.pacer.triggerGain);
  EXPECT_EQ(cfg->pacer.gcGoalUtilization, d.pacer.gcGoalUtilization);
  EXPECT_EQ(cfg->pacer.gcBackgroundUtilization, d.pacer.gcBackgroundUtilization);
  EXPECT_EQ(cfg->pacer.maxOvershoot, d.pacer.maxOvershoot);
  EXPECT_EQ(cfg->pacer.maxUtilError, d.pacer.maxUtilError);
  EXPECT_EQ(cfg->pacer.maxTriggerRatioPerGOGC, d.pacer.maxTriggerRatioPerGOGC);
  EXPECT_EQ(cfg->pacer.defaultHeapMinimum, d.pacer.defaultHeapMinimum);
  EXPECT_EQ(cfg->pacer.sweepMinHeapDistance, d.pacer.sweepMinHeapDistance);
}

TEST(ShippedScenarios, TheIssueListIsThereSortedAndEmbeddedByteForByte) {
  const std::vector<std::string> names = ShippedScenarioNames();
  for (const char* want :
       {"steady", "steady-p4", "ramp", "step", "phase-change", "high-gogc", "many-goroutines", "large-objects"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  ASSERT_EQ(ShippedScenarios().size(), names.size());
  for (size_t i = 0; i < names.size(); i++) {
    const ShippedScenario& s = ShippedScenarios()[i];
    EXPECT_EQ(s.name, names[i]);
    // The test's runfiles hold scenarios/*.json (data = :scenario_files).
    EXPECT_EQ(s.json, ReadFile("scenarios/" + names[i] + ".json")) << names[i];
    auto cfg = BuiltinRun(names[i]);
    ASSERT_TRUE(cfg.ok()) << cfg.status();
    EXPECT_EQ(cfg->name, names[i]);
    EXPECT_FALSE(cfg->description.empty()) << names[i];
    // LoadScenario by name and by file path agree.
    auto by_file = LoadScenario("scenarios/" + names[i] + ".json");
    ASSERT_TRUE(by_file.ok()) << by_file.status();
    EXPECT_EQ(by_file->description, cfg->description);
  }
}

TEST(ShippedScenarios, SteadyIsTheBuiltInWorkloadSpelledOut) {
  auto cfg = BuiltinRun("steady");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->gomaxprocs, 1);
  EXPECT_EQ(cfg->gogc, 100);
  EXPECT_EQ(cfg->seed, 1u);
  const MutatorGroup& g = cfg->workload.groups.at(0);
  // README's table of record kinds: (size, ptrdata, child, weight).
  const std::vector<RecordKind> want = DefaultKinds();
  ASSERT_EQ(g.kinds.size(), want.size());
  for (size_t i = 0; i < want.size(); i++) {
    EXPECT_EQ(g.kinds[i].size.fixed, want[i].size.fixed) << i;
    EXPECT_EQ(g.kinds[i].ptrdata, want[i].ptrdata) << i;
    EXPECT_EQ(g.kinds[i].child.fixed, want[i].child.fixed) << i;
    EXPECT_EQ(g.kinds[i].weight, want[i].weight) << i;
  }
  EXPECT_EQ(g.records, 400000u);
  EXPECT_EQ(g.lifetime.live_set, 20000u);
  EXPECT_EQ(g.think_ns, 500);
}

}  // namespace
}  // namespace gogcsim::scenarios

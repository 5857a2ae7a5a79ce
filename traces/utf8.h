// UTF-8 for the trace header's strings: they are proto3 strings, and a
// reader refuses a message whose strings are not UTF-8, so the importers
// must not put other bytes there.
#ifndef GOGCSIM_TRACES_UTF8_H_
#define GOGCSIM_TRACES_UTF8_H_

#include <string>
#include <string_view>

namespace gogcsim::traces {

bool IsValidUtf8(std::string_view s);
// s with every byte that is not part of valid UTF-8 replaced by '?'.
std::string ValidUtf8(std::string_view s);

}  // namespace gogcsim::traces

#endif  // GOGCSIM_TRACES_UTF8_H_

// A victim for tests/cli/test_crash_safety.cpp: writes through the project's own writers in a loop until it
// is killed, so SIGKILL lands inside a write most of the time.
//   crash_writer session FILE   saveSessionFile (the studio's session writer) of a ~5 MB session, counter 1, 2, …
//   crash_writer append FILE    appendJsonLine (the experiment results path) of 256 kB lines, counter 1, 2, …
// Each written document carries its counter ("views"."counter" / "n") and a payload whose length it states,
// so the test can tell a complete document from a partial one.
#include "app/studio/session_file.h"
#include "core/common/error.h"
#include "core/experiment/result_store.h"

#include <cstdio>
#include <cstring>
#include <string>

using nlohmann::json;

int main(int argc, char** argv) {
    if (argc != 3 || (std::strcmp(argv[1], "session") != 0 && std::strcmp(argv[1], "append") != 0)) {
        std::fprintf(stderr, "usage: crash_writer session|append FILE\n");
        return 2;
    }
    const std::string mode = argv[1];
    const std::string file = argv[2];
    try {
        if (mode == "session") {
            sd::studio::Session s;
            s.pluginId = "lyapunov-net";
            json data = json::array();
            for (int i = 0; i < 250000; ++i) data.push_back(0.001 * i);   // a model-sized parameter array
            s.model = {{"parameters", {{{"name", "w"}, {"shape", {500, 500}}, {"data", data}}}}};
            for (long counter = 1;; ++counter) {
                s.views = {{"counter", counter}, {"values", 250000}};
                sd::studio::saveSessionFile(file, s);
            }
        }
        const std::string payload(1 << 18, 'x');   // 64 pages: a kill can land inside the write()
        for (long counter = 1;; ++counter)
            sd::experiment::appendJsonLine(file, {{"n", counter}, {"length", payload.size()}, {"payload", payload}});
    } catch (const sd::Error& e) {
        std::fprintf(stderr, "crash_writer: %s\n", e.what());
        return 1;
    }
}

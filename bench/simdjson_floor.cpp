// simdjson_floor.cpp: a second offline floor, built by bench/run only when
// Debian ships simdjson (libsimdjson-dev). Walks a snapshot folder like
// parse_floor.c and parses every *.json file with simdjson's DOM parser (one
// parser reused, as a careful reader would), discarding each result before
// the next. Prints the number of files parsed. Exit 1 when a file does not
// parse. Never part of dbward.
#include <ftw.h>
#include <simdjson.h>

#include <cstring>
#include <iostream>

static simdjson::dom::parser *s_parser;
static unsigned long s_files;
static int s_failed;

static int s_visit(const char *path, const struct stat *, int type, struct FTW *)
{
    size_t n = std::strlen(path);
    if (type != FTW_F || n < 5 || std::strcmp(path + n - 5, ".json") != 0)
        return 0;
    simdjson::dom::element doc;
    auto error = s_parser->load(path).get(doc);
    if (error) {
        std::cerr << "simdjson_floor: " << path << ": " << error << "\n";
        s_failed = 1;
    }
    s_files++;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::cerr << "usage: simdjson_floor SNAPSHOT_DIR\n";
        return 2;
    }
    simdjson::dom::parser parser;
    s_parser = &parser;
    if (nftw(argv[1], s_visit, 32, FTW_PHYS) != 0) {
        std::cerr << "simdjson_floor: cannot walk " << argv[1] << "\n";
        return 1;
    }
    std::cout << s_files << "\n";
    return s_failed;
}

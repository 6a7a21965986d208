/*
 * The libFuzzer entry point as a plain program: feeds each file named on the
 * command line to LLVMFuzzerTestOneInput once, so the seed corpus (and every
 * crash input added to it) is a regression test on any compiler and OS.
 * A failed check aborts inside the target; getting to the end means all passed.
 */
#include "fuzz.h"
#include "xcrt.h"

static int replay(const char *path)
{
    FILE *f = xcrt_fopen(path, "rb");
    unsigned char *data = NULL;
    size_t size = 0, cap = 0, n;
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    do {
        if (size == cap) {
            unsigned char *more;
            cap = cap ? cap * 2 : 4096;
            more = (unsigned char *)realloc(data, cap);
            if (more == NULL) {
                free(data);
                fclose(f);
                fprintf(stderr, "out of memory reading %s\n", path);
                return -1;
            }
            data = more;
        }
        n = fread(data + size, 1, cap - size, f);
        size += n;
    } while (n > 0);
    fclose(f);
    /* An exact-size copy, so a sanitizer build sees a read past the input. */
    {
        unsigned char *exact = (unsigned char *)malloc(size ? size : 1);
        if (exact == NULL) {
            free(data);
            return -1;
        }
        if (size) memcpy(exact, data, size);
        free(data);
        LLVMFuzzerTestOneInput(exact, size);
        free(exact);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int i, failed = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s corpus-file...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) failed |= replay(argv[i]) != 0;
    printf("%d input%s replayed\n", argc - 1, argc == 2 ? "" : "s");
    return failed;
}

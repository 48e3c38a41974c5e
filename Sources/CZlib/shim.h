// zlib (Debian zlib1g-dev): gzip data files and PNG compression.
#include <zlib.h>

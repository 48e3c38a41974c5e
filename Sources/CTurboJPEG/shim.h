// libjpeg-turbo's TurboJPEG API (Debian libturbojpeg0-dev): JPEG decoding.
// TurboJPEG returns error codes rather than longjmp-ing out of libjpeg's error
// handler, so a damaged file is an error value in Swift, never a jump across frames.
#include <turbojpeg.h>

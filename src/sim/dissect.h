/* sim/dissect: one-line, tcpdump-like summaries of Ethernet frames for --trace and the log. */
#ifndef USNF_SIM_DISSECT_H
#define USNF_SIM_DISSECT_H

#include <stdint.h>

#include "util/strbuf.h"

/* Append a summary of frame (Ethernet, no FCS) to out; never reads past len. */
void dissect_frame(const uint8_t *frame, uint32_t len, struct strbuf *out);

#endif

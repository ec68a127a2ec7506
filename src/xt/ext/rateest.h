/* rateest: the named rate estimators RATEEST feeds and the rateest match reads (xt_RATEEST.c). */
#ifndef USNF_XT_EXT_RATEEST_H
#define USNF_XT_EXT_RATEEST_H

#include <stdbool.h>
#include <stdint.h>

/* struct xt_rateest with its net_rate_estimator (gen_estimator.c). */
struct rateest_est {
	int8_t interval;                /* -2..3: 2^interval seconds */
	uint8_t ewma_log;
	uint8_t intvl_log;              /* interval + 2 */
	uint64_t bytes, packets;        /* bstats */
	uint64_t last_bytes, last_packets;
	uint64_t avbps, avpps;          /* scaled by 2^8 */
	uint64_t next_jiffies;
};

/* Run the estimator timer for every tick due by now (jiffies at HZ=1000). */
void rateest_est_catchup(struct rateest_est *e, uint64_t now);
/* gen_estimator_read(): bytes and packets per second. */
void rateest_est_read(struct rateest_est *e, uint64_t now, uint32_t *bps, uint32_t *pps);

#endif

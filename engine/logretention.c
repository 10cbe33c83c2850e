/* CloudWatch Logs retention periods. */
#include "engine/logretention.h"

const int logretention_days[] = {1,   3,   5,   7,   14,   30,   60,   90,   120,  150,  180,
                                 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
const size_t logretention_count = sizeof(logretention_days) / sizeof(logretention_days[0]);

int logretention_allowed(long long days, int *below, int *above)
{
	int lo = 0, hi = 0;

	for (size_t i = 0; i < logretention_count; i++) {
		int d = logretention_days[i];

		if (d == days)
			return 1;
		if (d < days)
			lo = d;
		else if (!hi)
			hi = d;
	}
	if (below)
		*below = lo;
	if (above)
		*above = hi;
	return 0;
}

int logretention_round_up(int days)
{
	for (size_t i = 0; i < logretention_count; i++)
		if (logretention_days[i] >= days)
			return logretention_days[i];
	return logretention_days[logretention_count - 1];
}

void logretention_list(struct buf *out)
{
	for (size_t i = 0; i < logretention_count; i++)
		buf_addf(out, "%s%d", i ? ", " : "", logretention_days[i]);
}

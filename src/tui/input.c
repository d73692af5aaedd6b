/* What a mode shows (input.h). */
#include "input.h"
#include "reports.h"

int input_report(enum tui_mode mode)
{
	switch (mode) {
	case MODE_PRESSURE:
		return REPORT_PRESSURE;
	case MODE_TIMEOUTS:
		return REPORT_TIMEOUTS;
	case MODE_EXPECT:
		return REPORT_EXPECT;
	default:
		return -1;
	}
}

int input_list_shown(enum tui_mode mode)
{
	return mode == MODE_LIST || mode == MODE_PROMPT ||
	       mode == MODE_CONFIRM || mode == MODE_SORTMENU ||
	       mode == MODE_COLMENU;
}

/* What plan, apply and destroy share: the spec, loaded and checked before
 * any request; the current state; the plan, printed for people or as JSON;
 * the confirmation prompt; progress lines while a plan is carried out. */
#ifndef VPCFLOW_CMD_PLANNING_H
#define VPCFLOW_CMD_PLANNING_H

#include "cmd/cli.h"
#include "engine/apply.h"
#include "engine/plan.h"
#include "engine/spec.h"
#include "engine/state.h"

/* Invariants: state and plan are only meaningful once read and planned are
 * set; planning_release frees whatever was made. */
struct planning {
	struct spec spec;
	struct state state;
	struct plan plan;
	int loaded, read, planned;
	int destroying; /* the plan is plan_destroy's */
	const char *home_region;
};

/* Loads the spec named by the one positional argument and checks it whole,
 * printing every problem. Returns EXIT_OK, or EXIT_USAGE (nothing sent). */
int planning_load(struct planning *pl, struct context *ctx, const struct args *args);
/* Reads the state and makes the plan (destroy: plan_destroy). Returns
 * EXIT_OK, or EXIT_FAILURE_AWS after printing the error. */
int planning_make(struct planning *pl, struct context *ctx, int destroy,
                  const struct plan_options *opt, int read_tags);
/* Prints the plan's lines and its summary (for people). */
void planning_print(const struct context *ctx, const struct planning *pl);
/* Asks question on the terminal; returns 1 for yes. Without a terminal on
 * standard input, returns 1 (DESIGN.md: no TTY, no question). */
int planning_confirm(const struct context *ctx, const char *question);
/* Options for apply_run: progress lines through ctx, the propagation waits
 * (VPCFLOW_TEST_PROPAGATION_MS shortens them for tests). */
void planning_apply_options(struct apply_options *opt, struct context *ctx,
                            const struct planning *pl);
/* Prints the plan's errors on stderr, one line each, whatever the output
 * format: the plan itself (on stdout) may be read by a program. */
void planning_print_errors(const struct context *ctx, const struct planning *pl);
/* Prints the plan as JSON on stdout, with how many actions were done and
 * failed. */
void planning_print_json(const struct planning *pl, size_t done, size_t failed);
/* Prints the outcome summary and the plan's errors; returns the exit code of
 * the run. */
int planning_finish(const struct context *ctx, const struct planning *pl, const char *verb);
void planning_release(struct planning *pl);

#endif

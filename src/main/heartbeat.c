/*
 * heartbeat.c - bin/heartbeat: an event loop starved by blocking work,
 * and the same loop with the work offloaded (see src/io/heartbeat.c).
 */
#include <stdio.h>

#include "ompkit/heartbeat.h"

int main(int argc, char **argv)
{
	return ompk_heartbeat_cli(argc, argv, stdout, stderr);
}

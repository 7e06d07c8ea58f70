# heartbeat.gp - when each tick came against when it was due, the job on
# the loop thread (inline) and on a worker (offload); on time is the
# diagonal. Data: heartbeat.csv (derive.py heartbeat).
load here.'/common.gp'
set title 'Heartbeat: ticks against their due times while a blocking job runs'
set xlabel 'due time of the tick (ms since start)'
set ylabel 'time the tick came (ms since start)'
stats csv skip 1 using 6 nooutput
job = STATS_max
stats csv skip 1 using 3 nooutput
set xrange [0:STATS_max * 1.1]
set yrange [0:*]
set arrow 1 from graph 0, first job to graph 1, first job nohead dt 3 lc rgb 'gray40'
set label 1 sprintf('job done (%.0f ms)', job) at graph 0.02, first job offset 0,0.6 textcolor rgb 'gray40'
plot x with lines dt 2 lw 2 lc rgb 'black' title 'on time (due = came)', \
     csv skip 1 using 3:(strcol(1) eq 'inline' ? $4 : NaN) with linespoints lw 2 pt 7 lc rgb '#d62728' title 'inline (job on the loop thread)', \
     '' skip 1 using 3:(strcol(1) eq 'offload' ? $4 : NaN) with linespoints lw 2 pt 5 lc rgb '#1f77b4' title 'offload (job on a worker)'

# gantt.gp - one pipeline run as a Gantt chart: per shard, the fetch (its
# latency before it landed) and the compute (from when the compute thread
# took it to when it was done). Data: gantt.csv (derive.py gantt).
load here.'/common.gp'
set title 'One pipeline run: fetch and compute per shard'
set xlabel 'time since the run started (ms)'
set ylabel 'shard'
stats csv skip 1 using 1 nooutput
set yrange [STATS_max + 0.6:-0.6]
set xrange [0:*]
set ytics 1
plot csv skip 1 using (($2 + $3) / 2):($1 - 0.2):2:3:($1 - 0.38):($1 - 0.02) \
        with boxxyerror lc rgb '#1f77b4' title 'fetch (latency)', \
     '' skip 1 using (($4 + $5) / 2):($1 + 0.2):4:5:($1 + 0.02):($1 + 0.38) \
        with boxxyerror lc rgb '#d62728' title 'compute'

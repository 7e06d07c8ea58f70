# inflight.gp - wall time against the fetches allowed in flight, K = 1, 2,
# 4 .. S, both axes log 2 so the ideal ceil(S/K) x latency is a straight
# line. Data: inflight.csv (derive.py inflight).
load here.'/common.gp'
set title sprintf('In-flight sweep: %s shards of %s ms latency (median, bars min..max)', shards, latency)
set xlabel 'fetches in flight at most, K (log scale)'
set ylabel 'wall time (ms, log scale)'
set logscale x 2
set logscale y 2
set format y '%g'
plot csv skip 1 using 1:5 with lines dt 2 lw 2 lc rgb 'black' title 'ideal: ceil(S/K) x latency', \
     '' skip 1 using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb '#1f77b4' title 'measured'

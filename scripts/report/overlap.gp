# overlap.gp - the pipeline overlapped against serial: median wall time of
# the alternated runs as bars, the ideal (one latency; one per shard) as a
# dashed mark. Data: overlap_median.csv (derive.py overlap).
load here.'/common.gp'
set title 'I/O overlap: the same fetches and compute, overlapped vs one after another'
set ylabel 'wall time (ms), median of the runs'
set xlabel 'pipeline --mode'
set yrange [0:*]
set xrange [-0.6:1.6]
plot csv skip 1 using 0:2:(0.5):xtic(1) with boxes lc rgb '#1f77b4' title 'measured', \
     '' skip 1 using 0:4:(0.3):(0) with xerrorbars pt 0 lw 3 dt 2 lc rgb 'black' title 'ideal: latency x (1 or shards)', \
     '' skip 1 using 0:2:(sprintf('%.1f ms', $2)) notitle with labels offset 0,0.8

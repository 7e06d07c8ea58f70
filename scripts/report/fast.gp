# fast.gp - "algorithm beats cores": per kernel, the speedup over seq of omp
# at P threads and of the fast variant, as bars on a log scale (the fast
# factors run to the thousands). Data: fast.csv (derive.py fast).
load here.'/common.gp'
set title 'Algorithm beats cores: speedup over seq (median times; log scale)'
set ylabel 'speedup over seq, T(seq)/T (log scale)'
set xlabel 'kernel'
set logscale y 10
set yrange [0.5:*]
set xrange [-0.6:*]
set offsets 0, 0.6, 0, 0
set format y '%g'
w = 0.26
plot csv skip 1 using ($0 - w):(1):($0 - w - w/2):($0 - w + w/2):(0.5):(1):xtic(1) \
        with boxxyerror lc rgb '#999999' title 'seq (1 thread) = 1', \
     '' skip 1 using ($0):10:($0 - w/2):($0 + w/2):(0.5):10 \
        with boxxyerror lc rgb '#1f77b4' title 'omp (P threads)', \
     '' skip 1 using ($0 + w):11:($0 + w - w/2):($0 + w + w/2):(0.5):11 \
        with boxxyerror lc rgb '#d62728' title 'fast', \
     '' skip 1 using ($0):($10 * 1.35):(sprintf('%.3gx', $10)) notitle with labels font ',10', \
     '' skip 1 using ($0 + w):($11 * 1.35):(sprintf('%.3gx', $11)) notitle with labels font ',10'

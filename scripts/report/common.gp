# common.gp - what every plot of scripts/report.sh shares: an SVG of one
# size (embedded inline in the page), a sans font the browser already has,
# the CSV written by derive.py, a grid, and the legend outside the plot so
# it never covers data. Loaded by each plot's script; `out` and `csv` are
# set on gnuplot's command line by scripts/report/run.sh's plot().
set terminal svg size 800,440 noenhanced font 'sans,12' background '#ffffff'
set output out
set datafile separator comma
set grid
set key outside right top Left reverse box
set style fill solid 0.85 border -1

/* wip */ typedef int yolk_wip_inet;

/* wip */ typedef int yolk_wip_sockets;
